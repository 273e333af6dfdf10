package dev.pitstop.engine.breakpoint;

import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import java.time.Instant;
import java.util.List;

/**
 * One breakpoint a step reached, as the engine knows it (immutable; {@link BreakpointBook} replaces
 * it on every change).
 *
 * @param key where it is
 * @param run the TaskRun, as the observation named it
 * @param step the step, as the observation named it
 * @param mechanism onFailure or beforeSteps
 * @param pod the TaskRun's Pod, where the release is exec'd
 * @param container the paused step's container ({@code step-<name>})
 * @param pausedAt the kubelet's timestamp of Tekton's marker line
 * @param deadline when the TaskRun's timeout fires, or null
 * @param logTail the last log lines before the marker (at most 20 of at most 1,000 characters)
 * @param exec the command a person runs to get a shell in the paused container
 * @param state where it stands
 * @param release the command that is releasing ({@link State#RELEASING}) or released ({@link
 *     State#CONTINUED}) it; else null
 * @param decidedAt when it was released or ended; null while paused or releasing
 * @param endReason why it ended ({@link State#ENDED}); while releasing, the reason the step was
 *     seen to end meanwhile; else null
 * @param releaseContainer the ephemeral container releasing ({@link State#RELEASING}) or that
 *     released ({@link State#CONTINUED}) a step whose image has no shell; else null. A release
 *     under way through a container survives a restart: it is confirmed again by the container's
 *     status (absent in state written before it existed: read as null)
 */
public record Breakpoint(
    BreakpointKey key,
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    String pod,
    String container,
    Instant pausedAt,
    Instant deadline,
    List<String> logTail,
    String exec,
    State state,
    Command release,
    Instant decidedAt,
    String endReason,
    String releaseContainer) {

  /** Where a breakpoint stands. */
  public enum State {
    /** The step waits; a command may release it. */
    PAUSED,
    /** A command's exec is under way. */
    RELEASING,
    /** Released through Pitstop. */
    CONTINUED,
    /** The pause ended otherwise (timeout, cancel, deletion, released outside Pitstop). */
    ENDED
  }

  /**
   * Marks {@link #exec} as {@link #execCommand derived} from the namespace, Pod and container, so a
   * live breakpoint does not keep that string (read back, it is the same text).
   */
  private static final String DERIVED_EXEC = new String("(derived)");

  public Breakpoint {
    logTail = Compact.Lines.of(logTail);
    if (exec != null
        && exec != DERIVED_EXEC
        && key != null
        && exec.equals(execCommand(key.namespace(), pod, container))) {
      exec = DERIVED_EXEC;
    }
  }

  /** The command a person runs to get a shell in the paused container. */
  @Override
  public String exec() {
    return exec == DERIVED_EXEC ? execCommand(key.namespace(), pod, container) : exec;
  }

  /** {@code kubectl exec -it -n <namespace> <pod> -c <container> -- sh}. */
  static String execCommand(String namespace, String pod, String container) {
    return "kubectl exec -it -n " + namespace + " " + pod + " -c " + container + " -- sh";
  }

  /** True while the step still waits (paused, or a release is under way). */
  public boolean waiting() {
    return state == State.PAUSED || state == State.RELEASING;
  }

  /**
   * This breakpoint in another state; the release container is kept while releasing or continued.
   */
  Breakpoint with(State newState, Command newRelease, Instant newDecidedAt, String newEndReason) {
    return with(
        newState,
        newRelease,
        newDecidedAt,
        newEndReason,
        newState == State.RELEASING || newState == State.CONTINUED ? releaseContainer : null);
  }

  Breakpoint with(
      State newState,
      Command newRelease,
      Instant newDecidedAt,
      String newEndReason,
      String newReleaseContainer) {
    return new Breakpoint(
        key,
        run,
        step,
        mechanism,
        pod,
        container,
        pausedAt,
        deadline,
        logTail,
        exec,
        newState,
        newRelease,
        newDecidedAt,
        newEndReason,
        newReleaseContainer);
  }
}
