package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.EphemeralContainer;

/**
 * Told when an ephemeral container is added to a Pod through {@code pods/{p}/ephemeralcontainers}
 * (what the kubelet would then start). The sandbox runs no images: the handler decides what the
 * container does (the Tekton simulator interprets writes to a step's run volume; see the
 * simulator's DESIGN.md). Called on a worker thread after the Pod was stored, once per added
 * container.
 */
@FunctionalInterface
public interface EphemeralContainerHandler {
  /**
   * @param namespace the Pod's namespace
   * @param pod the Pod's name
   * @param container the container as stored in {@code spec.ephemeralContainers}
   */
  void added(String namespace, String pod, EphemeralContainer container);
}
