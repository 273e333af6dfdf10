package dev.pitstop.notifier;

import dev.pitstop.runtime.ServiceMain;

/**
 * The notifier's container entry point: configuration from the environment ({@link
 * NotifierConfig}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "notifier",
        (vertx, resources) ->
            NotifierService.start(vertx, NotifierConfig.fromMap(System.getenv())));
  }
}
