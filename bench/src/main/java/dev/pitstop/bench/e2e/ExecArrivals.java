package dev.pitstop.bench.e2e;

import dev.pitstop.sandbox.k8s.ExecHandler;
import dev.pitstop.sandbox.k8s.ExecResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Wraps the sandbox's exec handler (the simulator's) and notes when each exec arrives at a
 * container, before the simulator acts on it: the end of a release's path. Every exec goes on to
 * the delegate unchanged, except execs into the {@link #probe probe} Pod, which are answered exit 0
 * at once and passed, with their arrival time, to the probe listener (the raw exec path).
 */
public final class ExecArrivals implements ExecHandler {
  private final ExecHandler delegate;
  private final Map<String, Instant> firstArrival = new ConcurrentHashMap<>();
  private volatile String probePod;
  private volatile BiConsumer<List<String>, Instant> probeListener = (c, t) -> {};

  public ExecArrivals(ExecHandler delegate) {
    this.delegate = delegate;
  }

  /** Execs into this Pod (any namespace) go to {@code listener}, not to the simulator. */
  public void probe(String pod, BiConsumer<List<String>, Instant> listener) {
    this.probeListener = listener;
    this.probePod = pod;
  }

  @Override
  public ExecResult exec(String namespace, String pod, String container, List<String> command) {
    Instant now = Instant.now();
    if (pod.equals(probePod)) {
      probeListener.accept(command, now);
      return new ExecResult(0, "", "");
    }
    firstArrival.putIfAbsent(key(namespace, pod, container), now);
    return delegate.exec(namespace, pod, container, command);
  }

  /** When the first exec into that container arrived, or null. */
  public Instant arrival(String namespace, String pod, String container) {
    return firstArrival.get(key(namespace, pod, container));
  }

  private static String key(String namespace, String pod, String container) {
    return namespace + "/" + pod + "/" + container;
  }
}
