package dev.pitstop.events.data;

/**
 * The {@code data} of a Pitstop CloudEvent (JSON). Every implementation is a record named by {@link
 * dev.pitstop.events.EventType}; unknown JSON fields are ignored when reading, so a newer producer
 * can add fields without breaking older consumers.
 */
public sealed interface EventData
    permits RunStarted,
        RunFinished,
        StepStarted,
        StepFinished,
        BreakpointReached,
        BreakpointPaused,
        BreakpointContinued,
        BreakpointEnded,
        Command,
        CommandRejected,
        RunPending,
        HoldHeld,
        HoldReleased,
        HoldEnded,
        BreakpointWarning,
        PodScheduled,
        PodInitialized,
        PodReady,
        DeliveryResult {

  /** The run the event is about (for a command: the TaskRun it targets). */
  RunRef run();
}
