package dev.pitstop.events.data;

import java.time.Instant;

/**
 * One terminated init container of a Pod ({@code status.initContainerStatuses[].state.terminated}).
 *
 * @param name the container's name (Tekton's {@code prepare}, {@code place-scripts}, ...)
 * @param startedAt {@code terminated.startedAt}, or null
 * @param finishedAt {@code terminated.finishedAt}, or null
 * @param exitCode {@code terminated.exitCode}
 * @param reason {@code terminated.reason} ({@code Completed}, {@code Error}, ...), or null
 */
public record PodContainer(
    String name, Instant startedAt, Instant finishedAt, int exitCode, String reason) {}
