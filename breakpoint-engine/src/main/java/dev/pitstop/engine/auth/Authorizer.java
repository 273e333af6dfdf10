package dev.pitstop.engine.auth;

import dev.pitstop.events.data.Identity;
import io.vertx.core.Future;

/**
 * Whether an identity may release breakpoints in a namespace: the same right as releasing with
 * kubectl, {@code create pods/exec} there (issue #3, architecture.md "Who may release").
 */
public interface Authorizer {
  /**
   * @return null when allowed; else the reason it is not (a sentence for the person); fails when it
   *     cannot be decided
   */
  Future<String> mayRelease(Identity who, String namespace);

  /** Allows everyone (local mode with static tokens). */
  Authorizer ALLOW_ALL = (who, ns) -> Future.succeededFuture(null);
}
