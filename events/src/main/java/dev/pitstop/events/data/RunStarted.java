package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A PipelineRun or TaskRun started: data of {@code dev.pitstop.pipelinerun.started.v1} and {@code
 * dev.pitstop.taskrun.started.v1}.
 *
 * @param startTime {@code status.startTime}
 * @param podName for a TaskRun, {@code status.podName} when already set; else null
 */
public record RunStarted(RunRef run, Instant startTime, String podName) implements EventData {}
