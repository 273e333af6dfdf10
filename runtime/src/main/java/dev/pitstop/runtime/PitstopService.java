package dev.pitstop.runtime;

import io.vertx.core.Future;

/** A started Pitstop service (watcher, breakpoint-engine, notifier, tracer). */
public interface PitstopService {
  /** Stops consuming and serving, flushes what is in hand; the future never fails. */
  Future<Void> stop();
}
