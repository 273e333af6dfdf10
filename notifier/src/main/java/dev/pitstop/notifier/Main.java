package dev.pitstop.notifier;

import dev.pitstop.runtime.ServiceMain;
import dev.pitstop.runtime.ops.ManagementConfig;

/**
 * The notifier's container entry point: configuration from the environment ({@link
 * NotifierConfig}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "notifier",
        System.getenv(),
        ManagementConfig.NOTIFIER_PORT,
        (vertx, resources) ->
            NotifierService.start(vertx, NotifierConfig.fromMap(System.getenv())));
  }
}
