package dev.pitstop.sandbox.k8s;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * A mutating admission webhook registered on a {@link SandboxApiServer} for TaskRun {@code CREATE}
 * (what a {@code MutatingWebhookConfiguration} with one webhook, rule {@code tekton.dev/v1 taskruns
 * CREATE}, {@code admissionReviewVersions: [v1]} and {@code sideEffects: None} says on a real
 * cluster). {@link #close()} unregisters it.
 */
public final class MutatingWebhook implements AutoCloseable {
  private final String name;
  private final URI url;
  private final Duration timeout;
  private final FailurePolicy failurePolicy;
  private final HttpClient http;
  private final Runnable unregister;

  MutatingWebhook(
      String name,
      URI url,
      Duration timeout,
      FailurePolicy failurePolicy,
      HttpClient http,
      Runnable unregister) {
    this.name = Objects.requireNonNull(name, "name");
    this.url = Objects.requireNonNull(url, "url");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
    this.http = http;
    this.unregister = unregister;
  }

  /** The webhook's name, as it appears in denial and failure messages. */
  public String name() {
    return name;
  }

  /** Where AdmissionReviews are POSTed (https). */
  public URI url() {
    return url;
  }

  /** The whole call's time limit (connect, send, answer). */
  public Duration timeout() {
    return timeout;
  }

  /** What happens when the webhook cannot be called. */
  public FailurePolicy failurePolicy() {
    return failurePolicy;
  }

  HttpClient http() {
    return http;
  }

  /** Unregisters this webhook; later TaskRun creations do not call it. Idempotent. */
  @Override
  public void close() {
    unregister.run();
  }

  @Override
  public String toString() {
    return "MutatingWebhook[" + name + " " + url + ", " + timeout + ", " + failurePolicy + "]";
  }
}
