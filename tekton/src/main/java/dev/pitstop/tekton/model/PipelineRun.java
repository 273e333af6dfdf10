package dev.pitstop.tekton.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** Tekton {@code PipelineRun} (tekton.dev/v1). */
@Group(Tekton.GROUP)
@Version(Tekton.VERSION)
@Kind("PipelineRun")
@Plural("pipelineruns")
public class PipelineRun extends CustomResource<PipelineRunSpec, PipelineRunStatus>
    implements Namespaced {}
