package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The {@code Status} bodies a real API server answers errors with. */
final class KubeStatus {

  private KubeStatus() {}

  /** {@code 404 NotFound}: {@code pods "x" not found}. */
  static Status notFound(String resource, String name) {
    return failure(404, "NotFound", resource + " \"" + name + "\" not found", name, resource);
  }

  /** {@code 400 BadRequest} with the given message. */
  static Status badRequest(String message) {
    return failure(400, "BadRequest", message, null, null);
  }

  /**
   * {@code 500 InternalError}, as kube-apiserver answers a request whose handler failed: {@code
   * Internal error occurred: <message>}.
   */
  static Status internalError(String message) {
    return failure(500, "InternalError", "Internal error occurred: " + message, null, null);
  }

  static String json(Status status) {
    return Serialization.asJson(status);
  }

  private static Status failure(int code, String reason, String message, String name, String kind) {
    StatusBuilder b =
        new StatusBuilder()
            .withApiVersion("v1")
            .withKind("Status")
            .withNewMetadata()
            .endMetadata()
            .withStatus("Failure")
            .withReason(reason)
            .withMessage(message)
            .withCode(code);
    if (name != null) {
      b.withNewDetails().withName(name).withKind(kind).endDetails();
    }
    return b.build();
  }
}
