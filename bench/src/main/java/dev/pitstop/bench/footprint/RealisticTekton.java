package dev.pitstop.bench.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live TaskRun of a PipelineRun and its Pod, shaped as a real Tekton v1.15 cluster stores them
 * (Tekton {@code pkg/pod/pod.go}, {@code pkg/pod/entrypoint.go}, {@code pkg/pod/script.go};
 * tekton-facts.md §3, §4): the sandbox simulator's Pods are deliberately lean, real ones are not.
 *
 * <p>Each Pod has the init containers {@code prepare} and {@code place-scripts} (with its scripts
 * inlined in a shell heredoc), three step containers running the entrypoint with its full argument
 * list, ten environment variables and thirteen volume mounts each, Tekton's internal volumes, a
 * projected service-account token, tolerations, an affinity, resource requests, {@code
 * managedFields} of the controller and the kubelet, and a {@code Running} status with every
 * condition and container status a kubelet writes. The TaskRun carries its parameters, the resolved
 * {@code status.taskSpec} with step scripts, running {@code status.steps}, provenance feature flags
 * and its own {@code managedFields}. About 20 KB (Pod) and 14 KB (TaskRun) of JSON.
 */
public final class RealisticTekton {
  /** Steps per TaskRun. */
  public static final int STEPS = 3;

  private static final String[] STEP_NAMES = {"restore-cache", "build", "push"};
  private static final String T0 = "2026-11-21T09:00:00Z";
  private static final String T1 = "2026-11-21T09:00:02Z";
  private static final String T2 = "2026-11-21T09:00:05Z";
  private static final String ENTRYPOINT_IMAGE =
      "ghcr.io/tektoncd/pipeline/entrypoint-bff0a22da108bc2f16c818c97641a296@sha256:"
          + "e0c6f1d46d9e7b3a6a7bbd9f5d2c1e6b8b2c0a0f2f7a1c3d4e5f60718293a4b5c";
  private static final String SHELL_IMAGE =
      "cgr.dev/chainguard/busybox@sha256:"
          + "19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791";
  private static final String BUILD_IMAGE =
      "gcr.io/kaniko-project/executor@sha256:"
          + "c3109d5926a997b100c4343944e06c6b30a6804b2f9abe0994d3de6ef92b028e";
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private RealisticTekton() {}

  /**
   * A running TaskRun {@code name} of PipelineRun {@code pipelineRun}, pipelineTask {@code build}.
   */
  public static TaskRun taskRun(
      String ns, String name, String uid, String pipelineRun, String pipelineRunUid) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", ns);
    meta.put("uid", uid);
    meta.put("generation", 1);
    meta.put("creationTimestamp", T0);
    meta.put("labels", runLabels(pipelineRun, pipelineRunUid));
    meta.put("annotations", annotations(false));
    meta.put(
        "ownerReferences",
        List.of(owner("tekton.dev/v1", "PipelineRun", pipelineRun, pipelineRunUid)));
    meta.put("finalizers", List.of("chains.tekton.dev/taskrun"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("params", params(false));
    spec.put("serviceAccountName", "pipeline-builder");
    spec.put("taskRef", Map.of("kind", "Task", "name", "build"));
    spec.put("timeout", "1h0m0s");
    spec.put(
        "workspaces",
        List.of(
            Map.of(
                "name",
                "source",
                "persistentVolumeClaim",
                Map.of("claimName", "pvc-" + uid.substring(0, 10))),
            Map.of("name", "dockerconfig", "secret", Map.of("secretName", "registry-push"))));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put(
        "conditions",
        List.of(
            Map.of(
                "type", "Succeeded",
                "status", "Unknown",
                "reason", "Running",
                "message", "Not all Steps in the Task have finished executing",
                "lastTransitionTime", T2)));
    status.put("podName", name + "-pod");
    status.put("startTime", T0);
    List<Object> steps = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      steps.add(
          Map.of(
              "name",
              STEP_NAMES[i],
              "container",
              "step-" + STEP_NAMES[i],
              "imageID",
              i == 1 ? BUILD_IMAGE : SHELL_IMAGE,
              "running",
              Map.of("startedAt", T2)));
    }
    status.put("steps", steps);
    status.put("taskSpec", taskSpec());
    status.put(
        "provenance",
        Map.of(
            "featureFlags",
            Map.ofEntries(
                Map.entry("RunningInEnvWithInjectedSidecars", true),
                Map.entry("EnableAPIFields", "beta"),
                Map.entry("SendCloudEventsForRuns", false),
                Map.entry("VerificationNoMatchPolicy", "ignore"),
                Map.entry("EnableProvenanceInStatus", true),
                Map.entry("ResultExtractionMethod", "termination-message"),
                Map.entry("MaxResultSize", 4096),
                Map.entry("SetSecurityContext", false),
                Map.entry("Coschedule", "workspaces"),
                Map.entry("EnableCELInWhenExpression", false),
                Map.entry("EnableStepActions", true),
                Map.entry("EnableParamEnum", false),
                Map.entry("DisableInlineSpec", ""),
                Map.entry("EnableConciseResolverSyntax", false),
                Map.entry("EnableKubernetesSidecar", false))));
    Map<String, Object> tr = new LinkedHashMap<>();
    tr.put("apiVersion", "tekton.dev/v1");
    tr.put("kind", "TaskRun");
    tr.put("metadata", meta);
    tr.put("spec", spec);
    tr.put("status", status);
    meta.put(
        "managedFields",
        List.of(
            managed("tekton-pipelines-controller", "tekton.dev/v1", null, fields(tr, "metadata")),
            managed(
                "tekton-pipelines-controller", "tekton.dev/v1", "status", fields(tr, "status"))));
    return JSON.convertValue(tr, TaskRun.class);
  }

  /** The running Pod of {@code tr} ({@code status.podName}), scheduled on {@code node}. */
  public static Pod pod(TaskRun tr, String podUid, String node) {
    String name = tr.getStatus().podName;
    String trName = tr.getMetadata().getName();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", tr.getMetadata().getNamespace());
    meta.put("uid", podUid);
    meta.put("creationTimestamp", T0);
    Map<String, Object> labels = new LinkedHashMap<>(tr.getMetadata().getLabels());
    labels.put("app.kubernetes.io/managed-by", "tekton-pipelines");
    labels.put("tekton.dev/taskRun", trName);
    labels.put("tekton.dev/taskRunUID", tr.getMetadata().getUid());
    meta.put("labels", labels);
    meta.put("annotations", annotations(true));
    meta.put(
        "ownerReferences",
        List.of(owner("tekton.dev/v1", "TaskRun", trName, tr.getMetadata().getUid())));
    String token = "kube-api-access-" + podUid.substring(0, 5);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("activeDeadlineSeconds", 5400);
    spec.put(
        "affinity",
        Map.of(
            "podAffinity",
            Map.of(
                "requiredDuringSchedulingIgnoredDuringExecution",
                List.of(
                    Map.of(
                        "labelSelector",
                        Map.of(
                            "matchLabels",
                            Map.of(
                                "app.kubernetes.io/component",
                                "affinity-assistant",
                                "app.kubernetes.io/instance",
                                "affinity-assistant-" + podUid.substring(0, 10))),
                        "topologyKey",
                        "kubernetes.io/hostname")))));
    List<Object> containers = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      containers.add(stepContainer(i, token));
    }
    spec.put("containers", containers);
    spec.put("dnsPolicy", "ClusterFirst");
    spec.put("enableServiceLinks", true);
    spec.put("initContainers", List.of(prepareContainer(token), placeScriptsContainer(token)));
    spec.put("nodeName", node);
    spec.put("preemptionPolicy", "PreemptLowerPriority");
    spec.put("priority", 0);
    spec.put("restartPolicy", "Never");
    spec.put("schedulerName", "default-scheduler");
    spec.put("securityContext", Map.of("fsGroup", 65532));
    spec.put("serviceAccount", "pipeline-builder");
    spec.put("serviceAccountName", "pipeline-builder");
    spec.put("terminationGracePeriodSeconds", 30);
    spec.put(
        "tolerations",
        List.of(
            Map.of(
                "effect", "NoExecute",
                "key", "node.kubernetes.io/not-ready",
                "operator", "Exists",
                "tolerationSeconds", 300),
            Map.of(
                "effect", "NoExecute",
                "key", "node.kubernetes.io/unreachable",
                "operator", "Exists",
                "tolerationSeconds", 300)));
    spec.put("volumes", volumes(token, podUid));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put(
        "conditions",
        List.of(
            condition("PodReadyToStartContainers", T1),
            condition("Initialized", T2),
            condition("Ready", T2),
            condition("ContainersReady", T2),
            condition("PodScheduled", T0)));
    List<Object> statuses = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      statuses.add(
          containerStatus(
              "step-" + STEP_NAMES[i],
              i == 1 ? BUILD_IMAGE : SHELL_IMAGE,
              Map.of("running", Map.of("startedAt", T2)),
              podUid,
              i));
    }
    status.put("containerStatuses", statuses);
    status.put("hostIP", "10.0.3.17");
    status.put("hostIPs", List.of(Map.of("ip", "10.0.3.17")));
    Map<String, Object> done =
        Map.of(
            "terminated",
            Map.of(
                "containerID",
                containerId(podUid, 9),
                "exitCode",
                0,
                "reason",
                "Completed",
                "startedAt",
                T1,
                "finishedAt",
                T1));
    status.put(
        "initContainerStatuses",
        List.of(
            containerStatus("prepare", ENTRYPOINT_IMAGE, done, podUid, 7),
            containerStatus("place-scripts", SHELL_IMAGE, done, podUid, 8)));
    status.put("phase", "Running");
    status.put("podIP", "10.244.2.31");
    status.put("podIPs", List.of(Map.of("ip", "10.244.2.31")));
    status.put("qosClass", "Burstable");
    status.put("startTime", T0);
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    pod.put("metadata", meta);
    pod.put("spec", spec);
    pod.put("status", status);
    Map<String, Object> specOnly = new LinkedHashMap<>(pod);
    specOnly.remove("status");
    meta.put(
        "managedFields",
        List.of(
            managed("tekton-pipelines-controller", "v1", null, fields(specOnly, null)),
            managed("kubelet", "v1", "status", fields(pod, "status"))));
    return JSON.convertValue(pod, Pod.class);
  }

  private static Map<String, Object> runLabels(String pipelineRun, String pipelineRunUid) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/part-of", "shop-frontend");
    l.put("app.kubernetes.io/version", "0.4");
    l.put("tekton.dev/memberOf", "tasks");
    l.put("tekton.dev/pipeline", "build-and-deploy");
    l.put("tekton.dev/pipelineRun", pipelineRun);
    l.put("tekton.dev/pipelineRunUID", pipelineRunUid);
    l.put("tekton.dev/pipelineTask", "build");
    l.put("tekton.dev/task", "build");
    l.put("triggers.tekton.dev/eventlistener", "github-listener");
    l.put("triggers.tekton.dev/trigger", "github-push");
    l.put("triggers.tekton.dev/triggers-eventid", pipelineRunUid.substring(0, 36));
    return l;
  }

  private static Map<String, Object> annotations(boolean pod) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("chains.tekton.dev/signed", "false");
    a.put("pipeline.tekton.dev/affinity-assistant", "affinity-assistant-3c4b8f2a1d");
    a.put("results.tekton.dev/log", "default/results/4f1e/logs/9a2c");
    a.put("results.tekton.dev/record", "default/results/4f1e/records/9a2c");
    a.put("results.tekton.dev/result", "default/results/4f1e");
    a.put("tekton.dev/categories", "Image Build");
    a.put("tekton.dev/displayName", "Build and push an image with Kaniko");
    a.put("tekton.dev/pipelines.minVersion", "0.50.0");
    a.put("tekton.dev/platforms", "linux/amd64,linux/arm64");
    a.put("tekton.dev/tags", "image-build");
    if (pod) {
      a.put("pipeline.tekton.dev/release", "v1.15.0");
      a.put("tekton.dev/ready", "READY");
    }
    return a;
  }

  private static Map<String, Object> owner(
      String apiVersion, String kind, String name, String uid) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("name", name);
    o.put("uid", uid);
    o.put("controller", true);
    o.put("blockOwnerDeletion", true);
    return o;
  }

  private static List<Object> params(boolean specs) {
    String[][] p = {
      {
        "IMAGE",
        "registry.example.com/shop/frontend:4f1e9a2c",
        "Name (reference) of the image to build."
      },
      {"DOCKERFILE", "./Dockerfile", "Path to the Dockerfile to build."},
      {"CONTEXT", "./", "The build context used by Kaniko."},
      {"EXTRA_ARGS", "--cache=true --cache-ttl=24h --snapshot-mode=redo", "Extra executor args."},
      {"BUILDER_IMAGE", BUILD_IMAGE, "The image on which builds will run."},
      {"GIT_REVISION", "4f1e9a2c7d3b5e6f8a9b0c1d2e3f4a5b6c7d8e9f", "The commit being built."}
    };
    List<Object> out = new ArrayList<>();
    for (String[] x : p) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", x[0]);
      if (specs) {
        m.put("type", "string");
        m.put("description", x[2]);
        m.put("default", x[1]);
      } else {
        m.put("value", x[1]);
      }
      out.add(m);
    }
    return out;
  }

  private static String script(int i) {
    return "#!/usr/bin/env sh\nset -eu\n# step "
        + STEP_NAMES[i]
        + " of the build task\nif [ -d /workspace/source/.cache ]; then\n"
        + "  echo \"restoring cache from /workspace/source/.cache\"\n"
        + "  cp -r /workspace/source/.cache/. \"$HOME/.cache/\" || true\nfi\n"
        + "/kaniko/executor --dockerfile=\"$(params.DOCKERFILE)\" --context=\"$(params.CONTEXT)\""
        + " --destination=\"$(params.IMAGE)\" --digest-file=\"$(results.IMAGE_DIGEST.path)\""
        + " $(params.EXTRA_ARGS)\necho \"done: $(params.IMAGE)\" | tee /tekton/home/build.log\n";
  }

  private static Map<String, Object> taskSpec() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("description", "This Task builds a source into a container image using Kaniko.");
    t.put("params", params(true));
    List<Object> steps = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", STEP_NAMES[i]);
      s.put("image", i == 1 ? BUILD_IMAGE : SHELL_IMAGE);
      s.put("script", script(i));
      s.put("workingDir", "$(workspaces.source.path)");
      s.put("env", List.of(Map.of("name", "DOCKER_CONFIG", "value", "/kaniko/.docker")));
      s.put("computeResources", Map.of("requests", Map.of("cpu", "250m", "memory", "512Mi")));
      steps.add(s);
    }
    t.put("steps", steps);
    t.put(
        "workspaces",
        List.of(
            Map.of("name", "source", "description", "Holds the context and Dockerfile."),
            Map.of(
                "name", "dockerconfig",
                "description", "Includes a docker `config.json`",
                "optional", true,
                "mountPath", "/kaniko/.docker")));
    t.put(
        "results",
        List.of(
            Map.of(
                "name",
                "IMAGE_DIGEST",
                "type",
                "string",
                "description",
                "Digest of the image just built."),
            Map.of(
                "name",
                "IMAGE_URL",
                "type",
                "string",
                "description",
                "URL of the image just built.")));
    return t;
  }

  private static Map<String, Object> stepContainer(int i, String token) {
    List<String> args = new ArrayList<>();
    if (i == 0) {
      args.addAll(List.of("-wait_file", "/tekton/downward/ready", "-wait_file_content"));
    } else {
      args.addAll(List.of("-wait_file", "/tekton/run/" + (i - 1) + "/out"));
    }
    args.addAll(
        List.of(
            "-post_file",
            "/tekton/run/" + i + "/out",
            "-termination_path",
            "/tekton/termination",
            "-step_metadata_dir",
            "/tekton/run/" + i + "/status",
            "-docker-config=registry-push",
            "-results",
            "IMAGE_DIGEST,IMAGE_URL",
            "-entrypoint",
            "/tekton/scripts/script-" + i + "-x7k2p",
            "--"));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", "step-" + STEP_NAMES[i]);
    c.put("image", i == 1 ? BUILD_IMAGE : SHELL_IMAGE);
    c.put("command", List.of("/tekton/bin/entrypoint"));
    c.put("args", args);
    List<Object> env = new ArrayList<>();
    env.add(Map.of("name", "DOCKER_CONFIG", "value", "/kaniko/.docker"));
    env.add(Map.of("name", "HOME", "value", "/tekton/home"));
    env.add(Map.of("name", "IMAGE", "value", "registry.example.com/shop/frontend:4f1e9a2c"));
    env.add(Map.of("name", "CONTEXT", "value", "./"));
    env.add(Map.of("name", "GIT_REVISION", "value", "4f1e9a2c7d3b5e6f8a9b0c1d2e3f4a5b6c7d8e9f"));
    env.add(Map.of("name", "GOFLAGS", "value", "-mod=readonly -trimpath"));
    env.add(Map.of("name", "GOCACHE", "value", "/workspace/source/.cache/go-build"));
    env.add(Map.of("name", "NPM_CONFIG_CACHE", "value", "/workspace/source/.cache/npm"));
    env.add(
        Map.of(
            "name",
            "REGISTRY_TOKEN",
            "valueFrom",
            Map.of("secretKeyRef", Map.of("name", "registry-push", "key", "token"))));
    env.add(
        Map.of(
            "name",
            "POD_NAME",
            "valueFrom",
            Map.of("fieldRef", Map.of("apiVersion", "v1", "fieldPath", "metadata.name"))));
    c.put("env", env);
    c.put("imagePullPolicy", "IfNotPresent");
    c.put(
        "resources",
        Map.of("requests", Map.of("cpu", "250m", "memory", "512Mi", "ephemeral-storage", "1Gi")));
    c.put("terminationMessagePath", "/tekton/termination");
    c.put("terminationMessagePolicy", "File");
    List<Object> mounts = new ArrayList<>();
    mounts.add(mount("tekton-internal-scripts", "/tekton/scripts", true));
    mounts.add(mount("tekton-internal-bin", "/tekton/bin", true));
    mounts.add(mount("tekton-internal-downward", "/tekton/downward", true));
    mounts.add(mount("tekton-creds-init-home-" + i, "/tekton/creds", false));
    for (int j = 0; j < STEPS; j++) {
      mounts.add(mount("tekton-internal-run-" + j, "/tekton/run/" + j, j != i));
    }
    mounts.add(mount("tekton-internal-workspace", "/workspace", false));
    mounts.add(mount("tekton-internal-home", "/tekton/home", false));
    mounts.add(mount("tekton-internal-results", "/tekton/results", false));
    mounts.add(mount("tekton-internal-steps", "/tekton/steps", true));
    mounts.add(mount("ws-source", "/workspace/source", false));
    mounts.add(mount(token, "/var/run/secrets/kubernetes.io/serviceaccount", true));
    c.put("volumeMounts", mounts);
    c.put("workingDir", "/workspace/source");
    return c;
  }

  private static Map<String, Object> prepareContainer(String token) {
    List<String> command =
        new ArrayList<>(
            List.of("/ko-app/entrypoint", "init", "/ko-app/entrypoint", "/tekton/bin/entrypoint"));
    for (String s : STEP_NAMES) {
      command.add("step-" + s);
    }
    Map<String, Object> c =
        initContainer(
            "prepare",
            ENTRYPOINT_IMAGE,
            command,
            null,
            List.of(
                mount("tekton-internal-bin", "/tekton/bin", false),
                mount("tekton-internal-steps", "/tekton/steps", false),
                mount(token, "/var/run/secrets/kubernetes.io/serviceaccount", true)));
    c.put("workingDir", "/");
    return c;
  }

  /**
   * One of Tekton's init containers as a Pod carries it (no resources, the default message path).
   */
  private static Map<String, Object> initContainer(
      String name, String image, List<String> command, List<String> args, List<?> mounts) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("image", image);
    c.put("command", command);
    if (args != null) {
      c.put("args", args);
    }
    c.put("imagePullPolicy", "IfNotPresent");
    c.put("resources", Map.of());
    c.put("terminationMessagePath", "/dev/termination-log");
    c.put("terminationMessagePolicy", "File");
    c.put("volumeMounts", mounts);
    return c;
  }

  private static Map<String, Object> placeScriptsContainer(String token) {
    StringBuilder sh = new StringBuilder();
    for (int i = 0; i < STEPS; i++) {
      String file = "/tekton/scripts/script-" + i + "-x7k2p";
      sh.append("scriptfile=\"")
          .append(file)
          .append("\"\n")
          .append("touch ${scriptfile} && chmod +x ${scriptfile}\n")
          .append("cat > ${scriptfile} << '_EOF_'\n")
          .append(
              java.util.Base64.getEncoder()
                  .encodeToString(script(i).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .append("\n_EOF_\n/tekton/bin/entrypoint decode-script \"${scriptfile}\"\n");
    }
    return initContainer(
        "place-scripts",
        SHELL_IMAGE,
        List.of("sh"),
        List.of("-c", sh.toString()),
        List.of(
            mount("tekton-internal-scripts", "/tekton/scripts", false),
            mount("tekton-internal-bin", "/tekton/bin", false),
            mount(token, "/var/run/secrets/kubernetes.io/serviceaccount", true)));
  }

  private static Map<String, Object> mount(String name, String path, boolean readOnly) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mountPath", path);
    m.put("name", name);
    if (readOnly) {
      m.put("readOnly", true);
    }
    return m;
  }

  private static List<Object> volumes(String token, String podUid) {
    List<Object> v = new ArrayList<>();
    for (String n :
        List.of(
            "tekton-internal-workspace",
            "tekton-internal-home",
            "tekton-internal-results",
            "tekton-internal-steps",
            "tekton-internal-scripts",
            "tekton-internal-bin")) {
      v.add(Map.of("name", n, "emptyDir", Map.of()));
    }
    v.add(
        Map.of(
            "name",
            "tekton-internal-downward",
            "downwardAPI",
            Map.of(
                "defaultMode",
                420,
                "items",
                List.of(
                    Map.of(
                        "path",
                        "ready",
                        "fieldRef",
                        Map.of(
                            "apiVersion", "v1",
                            "fieldPath", "metadata.annotations['tekton.dev/ready']"))))));
    for (int i = 0; i < STEPS; i++) {
      v.add(Map.of("name", "tekton-creds-init-home-" + i, "emptyDir", Map.of("medium", "Memory")));
      v.add(Map.of("name", "tekton-internal-run-" + i, "emptyDir", Map.of()));
    }
    v.add(
        Map.of(
            "name",
            "ws-source",
            "persistentVolumeClaim",
            Map.of("claimName", "pvc-" + podUid.substring(0, 10))));
    v.add(
        Map.of(
            "name",
            token,
            "projected",
            Map.of(
                "defaultMode",
                420,
                "sources",
                List.of(
                    Map.of(
                        "serviceAccountToken", Map.of("expirationSeconds", 3607, "path", "token")),
                    Map.of(
                        "configMap",
                        Map.of(
                            "name",
                            "kube-root-ca.crt",
                            "items",
                            List.of(Map.of("key", "ca.crt", "path", "ca.crt")))),
                    Map.of(
                        "downwardAPI",
                        Map.of(
                            "items",
                            List.of(
                                Map.of(
                                    "path",
                                    "namespace",
                                    "fieldRef",
                                    Map.of(
                                        "apiVersion", "v1",
                                        "fieldPath", "metadata.namespace")))))))));
    return v;
  }

  private static Map<String, Object> condition(String type, String time) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("lastProbeTime", null);
    c.put("lastTransitionTime", time);
    c.put("status", "True");
    c.put("type", type);
    return c;
  }

  private static Map<String, Object> containerStatus(
      String name, String image, Map<String, Object> state, String podUid, int n) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("containerID", containerId(podUid, n));
    s.put("image", image.substring(0, image.indexOf('@')) + ":latest");
    s.put("imageID", image);
    s.put("lastState", Map.of());
    s.put("name", name);
    s.put("ready", state.containsKey("running"));
    s.put("restartCount", 0);
    s.put("started", state.containsKey("running"));
    s.put("state", state);
    return s;
  }

  private static String containerId(String podUid, int n) {
    String hex = (podUid.replace("-", "") + n).repeat(3);
    return "containerd://" + hex.substring(0, 64);
  }

  private static Map<String, Object> managed(
      String manager, String apiVersion, String subresource, Map<String, Object> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("fieldsType", "FieldsV1");
    m.put("fieldsV1", fields);
    m.put("manager", manager);
    m.put("operation", "Update");
    if (subresource != null) {
      m.put("subresource", subresource);
    }
    m.put("time", T2);
    return m;
  }

  /**
   * The {@code fieldsV1} set Kubernetes records for an object (or one top-level part of it): {@code
   * f:<field>} for map keys, {@code k:{"name":..}} for list items keyed by name, {@code v:} for
   * scalars in lists, {@code .} for a present parent.
   */
  private static Map<String, Object> fields(Map<String, Object> obj, String only) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : obj.entrySet()) {
      if (only != null && !only.equals(e.getKey())) {
        continue;
      }
      if (List.of("apiVersion", "kind").contains(e.getKey())
          || e.getKey().equals("managedFields")) {
        continue;
      }
      out.put("f:" + e.getKey(), fieldsOf(e.getValue()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object fieldsOf(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      if (!m.isEmpty()) {
        out.put(".", Map.of());
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!"managedFields".equals(e.getKey())) {
          out.put("f:" + e.getKey(), fieldsOf(e.getValue()));
        }
      }
    } else if (value instanceof List<?> l) {
      for (Object item : l) {
        if (item instanceof Map<?, ?> im && im.get("name") != null) {
          Map<String, Object> sub = (Map<String, Object>) fieldsOf(im);
          out.put("k:{\"name\":\"" + im.get("name") + "\"}", sub);
        } else if (item instanceof Map<?, ?> im && im.get("type") != null) {
          out.put("k:{\"type\":\"" + im.get("type") + "\"}", fieldsOf(im));
        } else if (!(item instanceof Map)) {
          out.put("v:\"" + item + "\"", Map.of());
        }
      }
    }
    return out;
  }
}
