package dev.pitstop.sandbox.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of Tekton's validating webhook ({@code validation.webhook.pipeline.tekton.dev}) that
 * Pitstop depends on, applied by the sandbox API server to TaskRun {@code CREATE} after the
 * mutating webhooks, as on a cluster with Tekton installed. Pure.
 *
 * <p>Source: {@code pkg/apis/pipeline/v1/taskrun_validation.go} ({@code
 * ValidateEnabledAPIFields(ctx, "debug", "alpha")} and {@code validateDebug}); messages as {@code
 * knative.dev/pkg/apis.FieldError} prints them (message, colon, field path); see tekton-facts.md §1
 * and §4. Everything else Tekton validates is not checked here.
 */
final class TektonValidation {
  /** The webhook name a denial names. */
  static final String WEBHOOK = "validation.webhook.pipeline.tekton.dev";

  /** Where Tekton's feature flags live. */
  static final String FLAGS_NAMESPACE = "tekton-pipelines";

  static final String FLAGS_NAME = "feature-flags";
  static final String API_FIELDS = "enable-api-fields";

  /** Tekton's default for {@code enable-api-fields} when the ConfigMap or key is missing. */
  static final String DEFAULT_API_FIELDS = "beta";

  private TektonValidation() {}

  /**
   * Validates a TaskRun as created.
   *
   * @param taskRun the object's JSON
   * @param enableApiFields the {@code enable-api-fields} flag in force ({@code alpha}, {@code
   *     beta}, {@code stable})
   * @return the field errors, empty when valid
   */
  static List<String> validateTaskRun(JsonNode taskRun, String enableApiFields) {
    List<String> errors = new ArrayList<>();
    JsonNode debug = taskRun.path("spec").path("debug");
    if (debug.isMissingNode() || debug.isNull()) {
      return errors;
    }
    String flag = enableApiFields == null ? DEFAULT_API_FIELDS : enableApiFields;
    if (!"alpha".equals(flag)) {
      errors.add(
          "debug requires \"enable-api-fields\" feature gate to be \"alpha\" but it is \""
              + flag
              + "\": spec.debug");
    }
    JsonNode bp = debug.path("breakpoints");
    if (bp.isMissingNode() || bp.isNull()) {
      return errors;
    }
    String onFailure = bp.path("onFailure").asText("");
    if (onFailure.isEmpty()) {
      errors.add(
          "invalid value: onFailure breakpoint is empty, it is only allowed to be set as enabled:"
              + " spec.debug.breakpoints.onFailure");
    } else if (!"enabled".equals(onFailure)) {
      errors.add(
          "invalid value: "
              + onFailure
              + " is not a valid onFailure breakpoint value, onFailure breakpoint is only allowed"
              + " to be set as enabled: spec.debug.breakpoints.onFailure");
    }
    Set<String> seen = new HashSet<>();
    JsonNode before = bp.path("beforeSteps");
    for (int i = 0; i < before.size(); i++) {
      String step = before.get(i).asText();
      if (!seen.add(step)) {
        errors.add(
            "before step must be unique, the same step: "
                + step
                + " is defined multiple times at: spec.debug.breakpoints.beforeSteps["
                + i
                + "]");
      }
    }
    return errors;
  }

  /** The message the API server answers a denial with. */
  static String denial(List<String> errors) {
    return "admission webhook \""
        + WEBHOOK
        + "\" denied the request: validation failed: "
        + String.join("\n", errors);
  }
}
