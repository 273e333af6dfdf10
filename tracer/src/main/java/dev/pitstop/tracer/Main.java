package dev.pitstop.tracer;

import dev.pitstop.runtime.ServiceMain;

/**
 * The tracer's container entry point: configuration from the environment ({@link TracerConfig}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "tracer",
        (vertx, resources) -> TracerService.start(vertx, TracerConfig.fromMap(System.getenv())));
  }
}
