package dev.pitstop.sandbox.k8s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' logs of the sandbox's Pods, as the kubelet would keep them: what {@code GET
 * /api/v1/namespaces/{ns}/pods/{pod}/log} serves. The simulator writes here; clients read through
 * the API ({@code getLog()}, {@code watchLog()}).
 *
 * <p>Thread-safe: call from any thread. A line appended reaches every follower ({@code
 * follow=true}) promptly, in append order; writing to followers happens on the API server's event
 * loop, never on the caller's thread. When a Pod is deleted through the API its logs are dropped
 * and its followers' streams end.
 */
public final class PodLogs {

  private static final Logger LOG = LoggerFactory.getLogger(PodLogs.class);

  private final Map<Key, ContainerLog> logs = new ConcurrentHashMap<>();
  private final List<AppendListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<FollowListener> followListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Told of every line appended, when it is appended (e.g. a benchmark timing the simulator). */
  @FunctionalInterface
  public interface AppendListener {
    /**
     * Called on the appending thread (the simulator's), after followers were given the line: must
     * be quick and must not throw.
     */
    void appended(String namespace, String pod, String container, LogLine line);
  }

  /** Adds a listener told of every line appended from now on. */
  public void onAppend(AppendListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Told of every {@code follow=true} request once its follower is subscribed (e.g. a benchmark
   * splitting the time a client takes to see a line into its request and the stream).
   */
  @FunctionalInterface
  public interface FollowListener {
    /** Called on the API server's event loop: must be quick and must not throw. */
    void followed(String namespace, String pod, String container);
  }

  /** Adds a listener told of every log followed from now on. */
  public void onFollow(FollowListener listener) {
    followListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  PodLogs() {}

  /**
   * Appends lines to a container's log.
   *
   * @param namespace the Pod's namespace
   * @param pod the Pod's name
   * @param container the container's name, e.g. {@code step-build}
   * @param time the time the kubelet would stamp on the line (shown with {@code timestamps=true})
   * @param line the text; a trailing newline is dropped, and text with inner newlines becomes
   *     several lines with the same time
   * @throws NullPointerException if any argument is null
   */
  public void append(String namespace, String pod, String container, Instant time, String line) {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(line, "line");
    String text = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    ContainerLog log =
        logs.computeIfAbsent(new Key(namespace, pod, container), k -> new ContainerLog());
    synchronized (log) {
      if (log.closed) {
        LOG.warn(
            "Ignoring a line appended to the closed log of {}/{} container {}",
            namespace,
            pod,
            container);
        return;
      }
      for (String part : text.split("\n", -1)) {
        LogLine logLine = new LogLine(time, part);
        log.lines.add(logLine);
        for (Follower f : log.followers) {
          f.line(logLine);
        }
        for (AppendListener l : listeners) {
          l.appended(namespace, pod, container, logLine);
        }
      }
    }
  }

  /**
   * Marks a container's log as complete (the container terminated): followers' streams end, and
   * later appends are ignored (logged at WARN). Idempotent; closing a log with no lines is fine.
   */
  public void close(String namespace, String pod, String container) {
    ContainerLog log =
        logs.computeIfAbsent(new Key(namespace, pod, container), k -> new ContainerLog());
    synchronized (log) {
      if (log.closed) {
        return;
      }
      log.closed = true;
      log.followers.forEach(Follower::end);
      log.followers.clear();
    }
  }

  /**
   * Returns a copy of a container's log so far.
   *
   * @return the lines in append order; empty if nothing was appended
   */
  public List<LogLine> lines(String namespace, String pod, String container) {
    ContainerLog log = logs.get(new Key(namespace, pod, container));
    if (log == null) {
      return List.of();
    }
    synchronized (log) {
      return List.copyOf(log.lines);
    }
  }

  /** Whether {@link #close} was called for this container (and its Pod not deleted since). */
  public boolean isClosed(String namespace, String pod, String container) {
    ContainerLog log = logs.get(new Key(namespace, pod, container));
    if (log == null) {
      return false;
    }
    synchronized (log) {
      return log.closed;
    }
  }

  /**
   * Drops every log of a Pod and ends its followers' streams. Called when the Pod is deleted
   * through the API; the simulator need not call it.
   */
  public void deletePod(String namespace, String pod) {
    for (var it = logs.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().namespace.equals(namespace) && e.getKey().pod.equals(pod)) {
        it.remove();
        ContainerLog log = e.getValue();
        synchronized (log) {
          log.followers.forEach(Follower::end);
          log.followers.clear();
        }
      }
    }
  }

  /** Names of the Pods in a namespace that have logs. */
  Set<String> pods(String namespace) {
    Set<String> result = new TreeSet<>();
    logs.keySet().stream()
        .filter(k -> k.namespace.equals(namespace))
        .forEach(k -> result.add(k.pod));
    return result;
  }

  /**
   * Subscribes a follower and returns the log so far, atomically: every line appended after the
   * snapshot reaches the follower, none before it does.
   */
  Snapshot follow(String namespace, String pod, String container, Follower follower) {
    ContainerLog log =
        logs.computeIfAbsent(new Key(namespace, pod, container), k -> new ContainerLog());
    synchronized (log) {
      if (!log.closed) {
        log.followers.add(follower);
      }
      for (FollowListener l : followListeners) {
        l.followed(namespace, pod, container);
      }
      return new Snapshot(List.copyOf(log.lines), log.closed);
    }
  }

  void unfollow(String namespace, String pod, String container, Follower follower) {
    ContainerLog log = logs.get(new Key(namespace, pod, container));
    if (log != null) {
      synchronized (log) {
        log.followers.remove(follower);
      }
    }
  }

  /**
   * Receives a followed log. Called while the log's lock is held: implementations must only hand
   * the work over (e.g. {@code Context.runOnContext}), never block.
   */
  interface Follower {
    void line(LogLine line);

    void end();
  }

  /** A log's lines at subscription time and whether it was already closed. */
  record Snapshot(List<LogLine> lines, boolean closed) {}

  private record Key(String namespace, String pod, String container) {
    Key {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(pod, "pod");
      Objects.requireNonNull(container, "container");
    }
  }

  private static final class ContainerLog {
    final List<LogLine> lines = new ArrayList<>();
    final Set<Follower> followers = new LinkedHashSet<>();
    boolean closed;
  }
}
