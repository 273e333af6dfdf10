package dev.pitstop.engine.auth;

import dev.pitstop.events.data.Identity;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;

/**
 * Authenticates a bearer token with the Kubernetes API: {@code POST
 * authentication.k8s.io/v1/tokenreviews} through fabric8, on a worker. The engine's service account
 * needs {@code create tokenreviews} (ClusterRole {@code system:auth-delegator}). An unauthenticated
 * review ({@code status.authenticated} false or missing) is empty; an API error fails the future.
 */
public final class TokenReviewAuthenticator implements Authenticator {
  private final KubernetesClient client;
  private final WorkerExecutor workers;

  public TokenReviewAuthenticator(KubernetesClient client, WorkerExecutor workers) {
    this.client = client;
    this.workers = workers;
  }

  @Override
  public Future<Optional<Identity>> authenticate(String token) {
    return workers.executeBlocking(
        () -> {
          TokenReview review =
              new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
          TokenReview answer = client.resources(TokenReview.class).resource(review).create();
          TokenReviewStatus s = answer == null ? null : answer.getStatus();
          if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
            return Optional.<Identity>empty();
          }
          return Optional.of(new Identity(s.getUser().getUsername(), s.getUser().getGroups()));
        },
        false);
  }
}
