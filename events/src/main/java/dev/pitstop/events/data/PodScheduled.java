package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A TaskRun's Pod got its {@code PodScheduled} condition True: data of {@code
 * dev.pitstop.pod.scheduled.v1}.
 *
 * @param run the TaskRun attempt the Pod runs (from the Pod's Tekton labels)
 * @param pod the Pod's name
 * @param createdAt the Pod's {@code metadata.creationTimestamp}, or null
 * @param scheduledAt the {@code PodScheduled} condition's {@code lastTransitionTime}
 * @param node {@code spec.nodeName}, or null
 */
public record PodScheduled(
    RunRef run, String pod, Instant createdAt, Instant scheduledAt, String node)
    implements EventData {}
