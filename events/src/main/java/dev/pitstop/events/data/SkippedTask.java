package dev.pitstop.events.data;

/**
 * A PipelineTask the PipelineRun skipped, with Tekton's reason (e.g. {@code When Expressions
 * evaluated to false}).
 */
public record SkippedTask(String name, String reason) {}
