package dev.pitstop.engine.auth;

import dev.pitstop.events.data.Identity;
import io.vertx.core.Future;
import java.util.Optional;

/** Who a bearer token belongs to. */
public interface Authenticator {
  /**
   * @param token the bearer token presented (never logged)
   * @return the identity, or empty when the token is not valid; fails only when it cannot be
   *     decided (e.g. the API server is unreachable: the API answers 503)
   */
  Future<Optional<Identity>> authenticate(String token);
}
