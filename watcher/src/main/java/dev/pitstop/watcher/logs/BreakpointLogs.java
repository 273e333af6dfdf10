package dev.pitstop.watcher.logs;

import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.watcher.mapping.BreakpointMarker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the logs of debug-enabled TaskRuns' step containers to see them pause: the adapter around
 * {@link PauseTargets} (which container) and {@link MarkerScanner} (which line).
 *
 * <p>One follower per container ({@code namespace/pod/container}), each a blocking read of {@code
 * pods/{pod}/log?container=..&follow=true&timestamps=true} on the worker pool given (never an event
 * loop), from the start of the log, so after a watcher restart the marker is found again and yields
 * the same event id. A follower stops when the stream ends (the container terminated, the Pod was
 * deleted) -- then the next step that can pause is followed at once ({@link EndSink}, {@link
 * #reconcileAfter}), if it was not already followed ahead (see {@link #reconcile}) -- or when
 * {@link #forget} is called (the TaskRun is done or deleted); a stream that fails is opened again
 * up to {@value #MAX_ATTEMPTS} times. At most {@code maxFollowers} follow at once. A follower ahead
 * takes a free slot only; a step that can pause now takes a free slot, else the slot of a follower
 * ahead (which stops; its step is followed again, from the start of its log, once it can pause),
 * else none: it is not followed (logged at WARN) and its pause is not seen. No state is kept for a
 * TaskRun after {@link #forget}.
 *
 * <p>Thread-safe: called from informer threads, followers end on worker threads.
 */
public final class BreakpointLogs implements AutoCloseable {
  /** Bytes kept of one log line (the scanner keeps {@value MarkerScanner#MAX_LINE} characters). */
  static final int MAX_LINE_BYTES = 4 * MarkerScanner.MAX_LINE;

  static final int MAX_ATTEMPTS = 3;
  private static final long RETRY_DELAY_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(BreakpointLogs.class);

  /** Receives each marker found, on a worker thread. */
  @FunctionalInterface
  public interface MarkerSink {
    void marker(FollowTarget target, BreakpointMarker marker);
  }

  /**
   * Told, on a worker thread, that a followed container's log ended on its own (its container
   * exited): the caller looks up the TaskRun and Pod as last seen and calls {@link
   * #reconcileAfter}, so the next step is followed before any status says the step is done.
   */
  @FunctionalInterface
  public interface EndSink {
    void ended(FollowTarget target);
  }

  private final Vertx vertx;
  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final int maxFollowers;
  private final MarkerSink sink;
  private final EndSink endSink;
  private final Map<String, RunFollowers> runs = new HashMap<>();
  private int active;
  private boolean closed;

  public BreakpointLogs(
      Vertx vertx,
      KubernetesClient client,
      WorkerExecutor workers,
      int maxFollowers,
      MarkerSink sink,
      EndSink endSink) {
    this.vertx = vertx;
    this.client = client;
    this.workers = workers;
    this.maxFollowers = maxFollowers;
    this.sink = sink;
    this.endSink = endSink;
  }

  /**
   * Looks at a TaskRun and its Pod (as last seen; either may be the one that just changed) and
   * starts following the container that can pause now, unless it is already followed or was
   * followed to its end, and, while a slot is free, the container that can pause after it (two per
   * TaskRun then: the next marker arrives on a stream already open). Forgets the TaskRun when it is
   * done.
   */
  public void reconcile(TaskRun tr, Pod pod) {
    String run = runKey(tr.getMetadata().getNamespace(), tr.getMetadata().getName());
    if (tr.getStatus() != null && tr.getStatus().isDone()) {
      forget(tr.getMetadata().getNamespace(), tr.getMetadata().getName());
      return;
    }
    follow(run, tr, pod, PauseTargets.current(tr, pod));
  }

  /**
   * As {@link #reconcile}, once step {@code endedIndex}'s log ended ({@link PauseTargets#after}):
   * follows the next step that can pause, even while the statuses still say the ended step runs. A
   * TaskRun already done or forgotten is left alone.
   */
  public void reconcileAfter(TaskRun tr, Pod pod, int endedIndex) {
    if (tr.getStatus() != null && tr.getStatus().isDone()) {
      return;
    }
    follow(
        runKey(tr.getMetadata().getNamespace(), tr.getMetadata().getName()),
        tr,
        pod,
        PauseTargets.after(tr, pod, endedIndex));
  }

  /**
   * Follows {@code target} (the step that can pause now), then, while a slot is free, the step that
   * can pause after it ({@link PauseTargets#after}): every step container runs from Pod start
   * (tekton-facts.md §2), so that log can be opened while the step before it still runs, and its
   * marker then arrives on a stream already open instead of waiting for a request made once the
   * step before ended (146 ms p50 of a pause in {@code pitstop bench}, docs/performance.md).
   */
  private void follow(String run, TaskRun tr, Pod pod, Optional<FollowTarget> target) {
    if (target.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (closed || !start(run, target.get(), false)) {
        return;
      }
    }
    Optional<FollowTarget> ahead = PauseTargets.after(tr, pod, target.get().stepIndex());
    if (ahead.isPresent()) {
      synchronized (this) {
        if (!closed) {
          start(run, ahead.get(), true);
        }
      }
    }
  }

  /**
   * Starts a follower of {@code target} unless one runs or ran. A follower {@code ahead} takes a
   * free slot only; one of a step that can pause now takes a free slot, else a follower ahead's
   * ({@link #stopOneAhead}). A follower ahead whose step can now pause stays, as such.
   *
   * @return whether {@code target} is followed now (also when it already was)
   */
  private boolean start(String run, FollowTarget target, boolean ahead) {
    RunFollowers f = runs.computeIfAbsent(run, k -> new RunFollowers());
    String key = target.key();
    Follower running = f.active.get(key);
    if (running != null) {
      running.ahead &= ahead;
      return true;
    }
    if (f.ended.contains(key)) {
      return false;
    }
    if (active >= maxFollowers && (ahead || !stopOneAhead())) {
      if (!ahead) {
        LOG.warn(
            "Not following {}: {} log followers already run (WATCHER_LOG_FOLLOWERS)", key, active);
      }
      return false;
    }
    Follower follower = new Follower(target, run, ahead);
    f.active.put(key, follower);
    active++;
    follower.submit();
    return true;
  }

  /**
   * Stops one follower ahead to free its slot: it is forgotten, not ended, so its step is followed
   * again (from the start of its log) once it can pause. O(followers), only when all slots are
   * taken.
   *
   * @return false if no follower ahead runs
   */
  private boolean stopOneAhead() {
    for (RunFollowers f : runs.values()) {
      for (var it = f.active.values().iterator(); it.hasNext(); ) {
        Follower follower = it.next();
        if (follower.ahead) {
          it.remove();
          active--;
          follower.cancel();
          LOG.debug("Stopped following {} ahead to free its slot", follower.target.key());
          return true;
        }
      }
    }
    return false;
  }

  /** Stops following a TaskRun's containers and drops all state kept for it. */
  public synchronized void forget(String namespace, String taskRun) {
    RunFollowers f = runs.remove(runKey(namespace, taskRun));
    if (f != null) {
      f.active.values().forEach(Follower::cancel);
      active -= f.active.size();
    }
  }

  /** How many containers are being followed now. */
  public synchronized int activeFollowers() {
    return active;
  }

  /** How many TaskRuns state is kept for. */
  public synchronized int trackedRuns() {
    return runs.size();
  }

  /** Stops every follower. */
  @Override
  public synchronized void close() {
    closed = true;
    runs.values().forEach(f -> f.active.values().forEach(Follower::cancel));
    runs.clear();
    active = 0;
  }

  private void ended(Follower follower, boolean failed) {
    synchronized (this) {
      RunFollowers f = runs.get(follower.run);
      String key = follower.target.key();
      if (f == null || f.active.get(key) != follower) {
        return; // forgotten meanwhile
      }
      if (failed && follower.attempts < MAX_ATTEMPTS && !closed) {
        vertx.setTimer(RETRY_DELAY_MS, id -> follower.submit());
        return;
      }
      f.active.remove(key);
      f.ended.add(key);
      active--;
      if (failed || follower.cancelled || closed) {
        return;
      }
    }
    endSink.ended(follower.target);
  }

  private static String runKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static final class RunFollowers {
    final Map<String, Follower> active = new HashMap<>();
    final Set<String> ended = new HashSet<>();
  }

  private final class Follower {
    final FollowTarget target;
    final String run;
    volatile LogWatch watch;

    /**
     * The stream read; closing the {@link LogWatch} alone leaves a read blocked until the next line
     * or the container's exit (fabric8 7.8's {@code LogWatchCallback} without an output stream), so
     * {@link #cancel} closes it too.
     */
    volatile InputStream stream;

    volatile boolean cancelled;
    int attempts;

    /** Followed ahead of its step being able to pause (guarded by the enclosing instance). */
    boolean ahead;

    Follower(FollowTarget target, String run, boolean ahead) {
      this.target = target;
      this.run = run;
      this.ahead = ahead;
    }

    void submit() {
      attempts++;
      workers
          .executeBlocking(this::follow, false)
          .onComplete(
              ar -> {
                if (ar.failed() && !cancelled) {
                  LOG.warn("Log of {} failed: {}", target.key(), ar.cause().toString());
                }
                ended(this, ar.failed() && !cancelled);
              });
    }

    private Void follow() throws Exception {
      if (cancelled) {
        return null;
      }
      LOG.debug("Following {} (attempt {})", target.key(), attempts);
      try (LogWatch w =
          client
              .pods()
              .inNamespace(target.namespace())
              .withName(target.pod())
              .inContainer(target.container())
              .usingTimestamps()
              .watchLog()) {
        watch = w;
        InputStream raw = w.getOutput();
        stream = raw;
        if (cancelled) {
          return null;
        }
        InputStream in = new BufferedInputStream(raw);
        BoundedLineReader lines = new BoundedLineReader(in, MAX_LINE_BYTES);
        // A re-opened stream starts again at the first line: a marker found twice has one id.
        MarkerScanner scanner = new MarkerScanner();
        String line;
        while (!cancelled && (line = lines.readLine()) != null) {
          scanner.accept(line).ifPresent(m -> sink.marker(target, m));
        }
      } catch (Exception e) {
        if (!cancelled) {
          throw e;
        }
      }
      LOG.debug("Stopped following {}", target.key());
      return null;
    }

    /** Stops following: ends a blocked read at once (its worker thread is free again). */
    void cancel() {
      cancelled = true;
      LogWatch w = watch;
      if (w != null) {
        w.close();
      }
      InputStream in = stream;
      if (in != null) {
        try {
          in.close();
        } catch (IOException | RuntimeException e) {
          LOG.debug("Closing the log stream of {}: {}", target.key(), e.toString());
        }
      }
    }
  }
}
