package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/**
 * Tekton's feature-flags ConfigMap ({@code tekton-pipelines/feature-flags}), which the sandbox's
 * Tekton validation reads as Tekton's webhook does ({@code config/config-feature-flags.yaml}).
 */
public final class FeatureFlags {
  private FeatureFlags() {}

  /**
   * The ConfigMap with only {@code enable-api-fields} set.
   *
   * @param enableApiFields {@code alpha}, {@code beta} or {@code stable}; {@code debug} (the
   *     breakpoints) needs {@code alpha}
   * @return a new object to create or update through a client
   */
  public static ConfigMap withEnableApiFields(String enableApiFields) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(TektonValidation.FLAGS_NAME)
        .withNamespace(TektonValidation.FLAGS_NAMESPACE)
        .endMetadata()
        .addToData(TektonValidation.API_FIELDS, enableApiFields)
        .build();
  }
}
