package dev.pitstop.engine.auth;

import dev.pitstop.events.data.Identity;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;

/**
 * Asks Kubernetes whether an identity may {@code create pods/exec} in a namespace: {@code POST
 * authorization.k8s.io/v1/subjectaccessreviews} with the user and groups, through fabric8 on a
 * worker. The engine's service account needs {@code create subjectaccessreviews}. Not allowed (or
 * no status) → the reason, taken from the review's {@code status.reason} when there is one.
 */
public final class SubjectAccessReviewAuthorizer implements Authorizer {
  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final PitstopMetrics metrics;

  public SubjectAccessReviewAuthorizer(KubernetesClient client, WorkerExecutor workers) {
    this(client, workers, null);
  }

  /**
   * @param metrics where each request's time is recorded ({@code
   *     pitstop_kubernetes_request_seconds{call="subjectaccessreview"}}), or null
   */
  public SubjectAccessReviewAuthorizer(
      KubernetesClient client, WorkerExecutor workers, PitstopMetrics metrics) {
    this.client = client;
    this.workers = workers;
    this.metrics = metrics;
  }

  @Override
  public Future<String> mayRelease(Identity who, String namespace) {
    return workers.executeBlocking(
        () -> {
          SubjectAccessReview review =
              new SubjectAccessReviewBuilder()
                  .withNewSpec()
                  .withUser(who.username())
                  .withGroups(who.groups())
                  .withNewResourceAttributes()
                  .withNamespace(namespace)
                  .withVerb("create")
                  .withResource("pods")
                  .withSubresource("exec")
                  .endResourceAttributes()
                  .endSpec()
                  .build();
          long start = System.nanoTime();
          boolean ok = false;
          SubjectAccessReview answer;
          try {
            answer = client.resources(SubjectAccessReview.class).resource(review).create();
            ok = true;
          } finally {
            if (metrics != null) {
              metrics.kubernetesRequest(
                  "subjectaccessreview", ok, Duration.ofNanos(System.nanoTime() - start));
            }
          }
          SubjectAccessReviewStatus s = answer == null ? null : answer.getStatus();
          if (s != null && Boolean.TRUE.equals(s.getAllowed())) {
            return null;
          }
          String reason =
              s == null || s.getReason() == null || s.getReason().isBlank()
                  ? ""
                  : ": " + s.getReason();
          return who.username() + " may not create pods/exec in namespace " + namespace + reason;
        },
        false);
  }
}
