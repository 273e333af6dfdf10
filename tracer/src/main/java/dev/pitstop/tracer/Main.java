package dev.pitstop.tracer;

import dev.pitstop.runtime.ServiceMain;
import dev.pitstop.runtime.ops.ManagementConfig;

/**
 * The tracer's container entry point: configuration from the environment ({@link TracerConfig}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "tracer",
        System.getenv(),
        ManagementConfig.TRACER_PORT,
        (vertx, resources) -> TracerService.start(vertx, TracerConfig.fromMap(System.getenv())));
  }
}
