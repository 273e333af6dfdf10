package dev.pitstop.sandbox.k8s;

/**
 * What the API server does when a webhook cannot be called or answers nonsense (connection refused,
 * timeout, non-200, an unreadable AdmissionReview, a response for another request uid), as {@code
 * admissionregistration.k8s.io/v1} {@code failurePolicy}.
 */
public enum FailurePolicy {
  /** The request goes on as if the webhook were not there (the object is stored unmutated). */
  IGNORE,
  /**
   * The request fails with {@code 500 InternalError} {@code failed calling webhook "<name>": ...};
   * nothing is stored.
   */
  FAIL
}
