package dev.pitstop.engine.admission;

import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.TaskRun;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the admission decision of one TaskRun CREATE reads; all of it from the request and from
 * informer caches, so deciding needs no API call.
 *
 * @param taskRun the TaskRun being created (the AdmissionReview's {@code request.object})
 * @param pipelineRun its owning PipelineRun (label {@code tekton.dev/pipelineRun}), or null for a
 *     standalone TaskRun or when the cache does not have it
 * @param pipelineSpec the Pipeline's resolved spec ({@code status.pipelineSpec}, else {@code
 *     spec.pipelineSpec}, else the referenced Pipeline), or null when unknown: then {@code
 *     afterTasks} cannot be decided (and is reported)
 * @param stepsOf the step names of a PipelineTask's Task, in order (unnamed steps as {@code
 *     unnamed-<i>}), or null when unknown; for a standalone TaskRun, called with null
 * @param parentAnnotations the annotations of the TaskRun of a PipelineTask of the same
 *     PipelineRun, or null when there is none (yet)
 * @param alphaFields Tekton's {@code feature-flags} {@code enable-api-fields} is {@code alpha}:
 *     only then may {@code spec.debug} be added (tekton-facts.md §4)
 */
public record AdmissionInput(
    TaskRun taskRun,
    PipelineRun pipelineRun,
    PipelineSpec pipelineSpec,
    Function<String, List<String>> stepsOf,
    Function<String, Map<String, String>> parentAnnotations,
    boolean alphaFields) {}
