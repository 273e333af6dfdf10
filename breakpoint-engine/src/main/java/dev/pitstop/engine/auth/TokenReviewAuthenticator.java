package dev.pitstop.engine.auth;

import dev.pitstop.events.data.Identity;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
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
  private final PitstopMetrics metrics;

  public TokenReviewAuthenticator(KubernetesClient client, WorkerExecutor workers) {
    this(client, workers, null);
  }

  /**
   * @param metrics where each request's time is recorded ({@code
   *     pitstop_kubernetes_request_seconds{call="tokenreview"}}), or null
   */
  public TokenReviewAuthenticator(
      KubernetesClient client, WorkerExecutor workers, PitstopMetrics metrics) {
    this.client = client;
    this.workers = workers;
    this.metrics = metrics;
  }

  @Override
  public Future<Optional<Identity>> authenticate(String token) {
    return workers.executeBlocking(
        () -> {
          TokenReview review =
              new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
          TokenReview answer =
              timed(() -> client.resources(TokenReview.class).resource(review).create());
          TokenReviewStatus s = answer == null ? null : answer.getStatus();
          if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
            return Optional.<Identity>empty();
          }
          return Optional.of(new Identity(s.getUser().getUsername(), s.getUser().getGroups()));
        },
        false);
  }

  private <T> T timed(java.util.function.Supplier<T> request) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T t = request.get();
      ok = true;
      return t;
    } finally {
      if (metrics != null) {
        metrics.kubernetesRequest("tokenreview", ok, Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }
}
