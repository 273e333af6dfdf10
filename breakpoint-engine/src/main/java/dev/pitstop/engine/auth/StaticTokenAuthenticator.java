package dev.pitstop.engine.auth;

import dev.pitstop.engine.api.ApiTokens;
import dev.pitstop.events.data.Identity;
import io.vertx.core.Future;
import java.util.Optional;

/** Tokens from configuration ({@link ApiTokens}): for local use and tests. */
public final class StaticTokenAuthenticator implements Authenticator {
  private final ApiTokens tokens;

  public StaticTokenAuthenticator(ApiTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Future<Optional<Identity>> authenticate(String token) {
    return Future.succeededFuture(tokens.userOf(token).map(Identity::of));
  }
}
