package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.deploy.PitstopService.TopicNeed;
import dev.pitstop.engine.EngineConfig;
import dev.pitstop.engine.NamespaceScope;
import dev.pitstop.watcher.WatcherConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What k8s/ yields, for the base and every overlay, against issue #6's policy and the code: every
 * Deployment has probes, limits and a non-root, no-escalation securityContext; every Pitstop
 * container gets only keys its config reads and starts with them; RBAC is exactly the grants below;
 * the admission webhook is wired to the engine's TLS port with cert-manager's CA.
 */
class KubernetesManifestsTest {
  static final List<String> TARGETS = Kustomize.TARGETS;

  // Issue #6's least privilege, as "group|resource|verb|resourceName" (rbac.yaml says why each).
  static final Set<String> WATCHER =
      grants(
          "tekton.dev|taskruns,pipelineruns|get,list,watch",
          "|pods|get,list,watch",
          "|pods/log|get");
  static final Set<String> ENGINE_READ =
      grants("tekton.dev|taskruns,pipelineruns,pipelines,tasks|get,list,watch");
  // Cluster-scoped resources: cluster-wide in every overlay.
  static final Set<String> ENGINE_REVIEW =
      grants(
          "authentication.k8s.io|tokenreviews|create",
          "authorization.k8s.io|subjectaccessreviews|create");
  static final Set<String> ENGINE_ACT =
      grants(
          "|pods|get,list,watch",
          "|pods/log|get",
          "|pods/exec|create",
          "|pods/ephemeralcontainers|patch,update",
          "tekton.dev|taskruns|patch",
          "|events|create");
  static final Set<String> ENGINE_FLAGS = grants("|configmaps|get,list,watch|feature-flags");

  @ParameterizedTest
  @FieldSource("TARGETS")
  void everyDeploymentHasProbesLimitsAndRunsAsNonRootWithoutEscalation(String target) {
    List<Map<String, Object>> docs = Kustomize.build(target);
    List<Map<String, Object>> deployments = Kustomize.ofKind(docs, "Deployment");
    assertThat(deployments).isNotEmpty();
    for (Map<String, Object> d : deployments) {
      String name = Yaml.string(d, "metadata", "name");
      Map<String, Object> pod = Yaml.map(d, "spec", "template", "spec");
      assertThat(Yaml.<Object>at(pod, "securityContext", "runAsNonRoot")).as(name).isEqualTo(true);
      assertThat(((Number) Yaml.at(pod, "securityContext", "runAsUser")).longValue())
          .as(name)
          .isPositive();
      assertThat(Yaml.string(pod, "securityContext", "seccompProfile", "type"))
          .as(name)
          .isEqualTo("RuntimeDefault");
      assertThat(pod.get("enableServiceLinks"))
          .as(name + ": no KAFKA_* from Services")
          .isEqualTo(false);
      for (Object c : Yaml.list(pod, "containers")) {
        String where = name + "/" + Yaml.string(c, "name");
        assertThat(Yaml.map(c, "livenessProbe")).as(where + " livenessProbe").isNotEmpty();
        assertThat(Yaml.map(c, "readinessProbe")).as(where + " readinessProbe").isNotEmpty();
        assertThat(Yaml.string(c, "resources", "limits", "cpu"))
            .as(where + " cpu limit")
            .isNotBlank();
        assertThat(Yaml.string(c, "resources", "limits", "memory"))
            .as(where + " memory limit")
            .isNotBlank();
        assertThat(Yaml.string(c, "resources", "requests", "memory"))
            .as(where + " memory request")
            .isNotBlank();
        assertThat(Yaml.<Object>at(c, "securityContext", "allowPrivilegeEscalation"))
            .as(where)
            .isEqualTo(false);
        assertThat(Yaml.list(c, "securityContext", "capabilities", "drop"))
            .as(where)
            .containsExactly("ALL");
        if (Yaml.string(c, "image").startsWith("pitstop/")) {
          assertThat(Yaml.<Object>at(c, "securityContext", "readOnlyRootFilesystem"))
              .as(where)
              .isEqualTo(true);
          assertThat(Yaml.list(c, "volumeMounts"))
              .as(where + " writable /tmp")
              .anyMatch(m -> "/tmp".equals(Yaml.string(m, "mountPath")));
        }
      }
    }
    for (PitstopService s : PitstopService.values()) {
      Map<String, Object> d = Kustomize.named(docs, "Deployment", s.k8sName());
      assertThat(Yaml.string(d, "spec", "template", "spec", "serviceAccountName"))
          .isEqualTo(s.k8sName());
      List<Map<String, Object>> pdbs =
          Kustomize.ofKind(docs, "PodDisruptionBudget").stream()
              .filter(
                  p ->
                      Yaml.map(p, "spec", "selector", "matchLabels")
                          .equals(Yaml.map(d, "spec", "selector", "matchLabels")))
              .toList();
      assertThat(pdbs).as(s.k8sName() + " has a PodDisruptionBudget").hasSize(1);
      Object replicas = Yaml.at(d, "spec", "replicas");
      if (Integer.valueOf(1).equals(replicas)) {
        assertThat(Yaml.map(pdbs.get(0), "spec"))
            .as("one replica: the PDB must let a node drain")
            .doesNotContainKey("minAvailable");
      }
    }
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void everyKubernetesObjectHasOnlyFieldsKubernetesKnows(String target) {
    KubernetesSerialization k8s = new KubernetesSerialization();
    List<String> unknown = new ArrayList<>();
    int typed = 0;
    for (Map<String, Object> doc : Kustomize.build(target)) {
      Object obj = k8s.convertValue(doc, KubernetesResource.class);
      if (obj instanceof GenericKubernetesResource) {
        continue; // cert-manager's and Strimzi's kinds: validate.mjs and StrimziResourcesTest
      }
      typed++;
      unknown.addAll(
          UnknownFields.in(obj, doc.get("kind") + " " + Yaml.string(doc, "metadata", "name")));
    }
    assertThat(typed).isPositive();
    assertThat(unknown).isEmpty();
  }

  @Test
  void aMisspeltFieldIsFound() {
    Map<String, Object> doc =
        Kustomize.build("k8s/base").stream()
            .filter(d -> "Deployment".equals(d.get("kind")))
            .findFirst()
            .orElseThrow();
    Map<String, Object> sc =
        Yaml.map(doc, "spec", "template", "spec", "containers", 0, "securityContext");
    sc.put("readOnlyRootFilesytem", true);
    Object obj = new KubernetesSerialization().convertValue(doc, KubernetesResource.class);
    assertThat(UnknownFields.in(obj, "d"))
        .singleElement()
        .asString()
        .contains("readOnlyRootFilesytem");
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void everyPitstopContainerIsSetOnlyKeysItReadsAndStartsWithThem(String target, @TempDir Path tmp)
      throws IOException {
    List<Map<String, Object>> docs = Kustomize.build(target);
    List<String> problems = new ArrayList<>();
    for (PitstopService s : PitstopService.values()) {
      Map<String, Object> d = Kustomize.named(docs, "Deployment", s.k8sName());
      Map<String, Object> c = Yaml.map(d, "spec", "template", "spec", "containers", 0);
      problems.addAll(s.problems(target + " " + s.k8sName(), environment(docs, d, c, tmp)));
    }
    assertThat(problems).isEmpty();
  }

  /**
   * A container's environment (envFrom ConfigMaps and Secrets, then env), with every value that is
   * a path under one of its volume mounts rewritten to a file under {@code tmp}: the Secret's data
   * when the manifests hold it, else a placeholder (cert-manager's, made in the cluster).
   */
  static Map<String, String> environment(
      List<Map<String, Object>> docs, Map<String, Object> d, Map<String, Object> c, Path tmp)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    for (Object from : Yaml.list(c, "envFrom")) {
      String cm = Yaml.string(from, "configMapRef", "name");
      String secret = Yaml.string(from, "secretRef", "name");
      Map<String, Object> data =
          cm != null
              ? Yaml.map(Kustomize.named(docs, "ConfigMap", cm), "data")
              : Yaml.map(Kustomize.named(docs, "Secret", secret), "stringData");
      data.forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (Object e : Yaml.list(c, "env")) {
      env.put(Yaml.string(e, "name"), Yaml.string(e, "value"));
    }
    Map<String, Object> pod = Yaml.map(d, "spec", "template", "spec");
    for (Object m : Yaml.list(c, "volumeMounts")) {
      String mountPath = Yaml.string(m, "mountPath");
      Object volume =
          Yaml.list(pod, "volumes").stream()
              .filter(v -> Yaml.string(v, "name").equals(Yaml.string(m, "name")))
              .findFirst()
              .orElseThrow();
      String secretName = Yaml.string(volume, "secret", "secretName");
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (e.getValue() != null && e.getValue().startsWith(mountPath + "/")) {
          String key = e.getValue().substring(mountPath.length() + 1);
          Path file = tmp.resolve(Yaml.string(m, "name")).resolve(key);
          Files.createDirectories(file.getParent());
          String content = "placeholder";
          if (secretName != null) {
            Map<String, Object> secret =
                Kustomize.ofKind(docs, "Secret").stream()
                    .filter(s -> secretName.equals(Yaml.string(s, "metadata", "name")))
                    .findFirst()
                    .orElse(null);
            if (secret != null) {
              assertThat(Yaml.map(secret, "stringData"))
                  .as(secretName + " holds " + key)
                  .containsKey(key);
              content = Yaml.string(secret, "stringData", key);
            }
          }
          Files.writeString(file, content);
          e.setValue(file.toString());
        }
      }
    }
    return env;
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void rbacIsExactlyWhatTheServicesUse(String target) {
    List<Map<String, Object>> docs = Kustomize.build(target);
    List<String> watched = watchedNamespaces(docs);
    Set<String> watcher = new TreeSet<>();
    if (watched.isEmpty()) {
      watcher.addAll(scoped("*", WATCHER));
    } else {
      for (String ns : watched) {
        watcher.addAll(scoped(ns, WATCHER));
      }
    }
    // The engine reads and acts where ENGINE_NAMESPACES says (InformerRunCache, BreakpointEngine).
    NamespaceScope served = engineNamespaces(docs);
    Set<String> engine = new TreeSet<>(scoped("*", ENGINE_REVIEW));
    for (String ns : served.all() ? List.of("*") : List.copyOf(served.names())) {
      engine.addAll(scoped(ns, ENGINE_READ));
      engine.addAll(scoped(ns, ENGINE_ACT));
    }
    engine.addAll(
        scoped(
            EngineConfig.fromMap(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "ENGINE_API_TOKENS", "u=t"))
                .tektonNamespace(),
            ENGINE_FLAGS));
    // Leader election: its own Lease in its own namespace (fabric8 LeaseLock: get and update by
    // name, create when missing), whatever namespaces it watches.
    if (watcherLeaderElection(docs)) {
      watcher.addAll(scoped("pitstop", watcherLease(docs)));
    }
    assertThat(effectiveGrants(docs, "pitstop-watcher")).isEqualTo(watcher);
    assertThat(effectiveGrants(docs, "pitstop-breakpoint-engine")).isEqualTo(engine);
    for (PitstopService s : List.of(PitstopService.NOTIFIER, PitstopService.TRACER)) {
      assertThat(effectiveGrants(docs, s.k8sName()))
          .as(s.module + " has nothing in the cluster")
          .isEmpty();
      assertThat(
              Yaml.<Object>at(
                  Kustomize.named(docs, "Deployment", s.k8sName()),
                  "spec",
                  "template",
                  "spec",
                  "automountServiceAccountToken"))
          .as(s.module + " mounts no token")
          .isEqualTo(false);
    }
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void moreThanOneWatcherElectsALeader(String target) {
    List<Map<String, Object>> docs = Kustomize.build(target);
    Object replicas =
        Yaml.at(
            Kustomize.named(docs, "Deployment", PitstopService.WATCHER.k8sName()),
            "spec",
            "replicas");
    int n = replicas == null ? 1 : ((Number) replicas).intValue();
    if (target.equals("k8s/base")) {
      assertThat(n).as("the base runs a standby watcher").isEqualTo(2);
    }
    if (n > 1) {
      assertThat(watcherLeaderElection(docs))
          .as(n + " watchers without leader election would all publish")
          .isTrue();
    }
  }

  @Test
  void theGrantsOfTheNamespacedOverlayAreNarrower() {
    List<Map<String, Object>> docs = Kustomize.build("k8s/overlays/namespaced");
    assertThat(watchedNamespaces(docs)).containsExactly("ci-team-a", "ci-team-b");
    assertThat(effectiveGrants(docs, "pitstop-watcher")).noneMatch(g -> g.startsWith("*|"));
    assertThat(engineNamespaces(docs).names())
        .as("ENGINE_NAMESPACES lists the namespaces WATCHER_NAMESPACES does")
        .containsExactly("ci-team-a", "ci-team-b");
    assertThat(effectiveGrants(docs, "pitstop-breakpoint-engine"))
        .filteredOn(g -> g.startsWith("*|"))
        .as("cluster-wide, the engine only creates reviews")
        .containsExactlyInAnyOrderElementsOf(scoped("*", ENGINE_REVIEW));
    assertThat(effectiveGrants(docs, "pitstop-breakpoint-engine"))
        .filteredOn(g -> g.contains("|tekton.dev|pipelines|"))
        .extracting(g -> g.substring(0, g.indexOf('|')))
        .containsOnly("ci-team-a", "ci-team-b");
    Map<String, Object> webhook =
        Kustomize.named(docs, "MutatingWebhookConfiguration", "pitstop-breakpoints");
    Map<String, Object> selector =
        Yaml.map(webhook, "webhooks", 0, "namespaceSelector", "matchExpressions", 0);
    assertThat(selector.get("key")).isEqualTo("kubernetes.io/metadata.name");
    assertThat(selector.get("operator")).isEqualTo("In");
    assertThat(Yaml.list(selector, "values"))
        .containsExactlyElementsOf(List.of("ci-team-a", "ci-team-b"));
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void theAdmissionWebhookReachesTheEnginesTlsPortWithCertManagersCa(String target) {
    List<Map<String, Object>> docs = Kustomize.build(target);
    Map<String, Object> mwc =
        Kustomize.named(docs, "MutatingWebhookConfiguration", "pitstop-breakpoints");
    Map<String, Object> hook = Yaml.map(mwc, "webhooks", 0);
    assertThat(Yaml.list(mwc, "webhooks")).hasSize(1);
    assertThat(hook.get("failurePolicy")).isEqualTo("Ignore");
    assertThat(hook.get("sideEffects"))
        .as("AdmissionWebhook reports nothing for a dry run")
        .isEqualTo("NoneOnDryRun");
    assertThat(((Number) hook.get("timeoutSeconds")).intValue()).isBetween(1, 5);
    assertThat(Yaml.list(hook, "rules"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(Yaml.list(r, "operations")).containsExactly("CREATE");
              assertThat(Yaml.list(r, "apiGroups")).containsExactly("tekton.dev");
              assertThat(Yaml.list(r, "resources")).containsExactly("taskruns");
            });
    Map<String, Object> ref = Yaml.map(hook, "clientConfig", "service");
    assertThat(ref.get("path")).isEqualTo("/admission/taskruns");
    String[] ca =
        Yaml.string(mwc, "metadata", "annotations", "cert-manager.io/inject-ca-from").split("/");
    Map<String, Object> cert = Kustomize.named(docs, "Certificate", ca[1]);
    assertThat(Yaml.string(cert, "metadata", "namespace")).isEqualTo(ca[0]);
    assertThat(Yaml.list(cert, "spec", "dnsNames"))
        .contains(ref.get("name") + "." + ref.get("namespace") + ".svc");
    Kustomize.named(docs, "Issuer", Yaml.string(cert, "spec", "issuerRef", "name"));

    Map<String, Object> service = Kustomize.named(docs, "Service", String.valueOf(ref.get("name")));
    Object servicePort =
        Yaml.list(service, "spec", "ports").stream()
            .filter(p -> ref.get("port").equals(Yaml.at(p, "port")))
            .findFirst()
            .orElseThrow();
    Map<String, Object> engine =
        Kustomize.named(docs, "Deployment", PitstopService.ENGINE.k8sName());
    Map<String, Object> pod = Yaml.map(engine, "spec", "template", "spec");
    Map<String, Object> c = Yaml.map(pod, "containers", 0);
    Object containerPort =
        Yaml.list(c, "ports").stream()
            .filter(p -> Yaml.string(p, "name").equals(Yaml.string(servicePort, "targetPort")))
            .findFirst()
            .orElseThrow();
    Map<String, String> env = new HashMap<>();
    for (Object from : Yaml.list(c, "envFrom")) {
      Yaml.map(
              Kustomize.named(docs, "ConfigMap", Yaml.string(from, "configMapRef", "name")), "data")
          .forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    assertThat(Yaml.string(containerPort, "containerPort"))
        .isEqualTo(env.get("ENGINE_WEBHOOK_PORT"));
    assertThat(Yaml.list(pod, "volumes"))
        .as("the engine mounts the Certificate's Secret")
        .anyMatch(
            v ->
                Yaml.string(cert, "spec", "secretName")
                    .equals(Yaml.string(v, "secret", "secretName")));
  }

  @Test
  void theDevOverlayCreatesTheTopicsTheServicesUse() {
    List<Map<String, Object>> docs = Kustomize.build("k8s/overlays/dev");
    Map<String, Object> job = Kustomize.named(docs, "Job", "pitstop-kafka-topics");
    String script =
        String.join(
            "\n", Yaml.<List<String>>at(job, "spec", "template", "spec", "containers", 0, "args"));
    Map<String, String> env = new HashMap<>();
    Yaml.map(Kustomize.named(docs, "ConfigMap", "pitstop-common"), "data")
        .forEach((k, v) -> env.put(k, String.valueOf(v)));
    Yaml.map(Kustomize.named(docs, "ConfigMap", "pitstop-breakpoint-engine"), "data")
        .forEach((k, v) -> env.put(k, String.valueOf(v)));
    env.put("ENGINE_AUTH", "tokens");
    env.put("ENGINE_API_TOKENS", "u=t");
    env.keySet().removeIf(k -> k.startsWith("ENGINE_WEBHOOK_"));
    Map<String, TopicNeed> needs = PitstopService.topics(env);
    ComposeFileTest.assertTopics(TopicScript.parse(script), needs);
    assertThat(script).contains("--bootstrap-server " + env.get("KAFKA_BOOTSTRAP_SERVERS"));
  }

  /** WATCHER_LEADER_ELECTION of the watcher's ConfigMaps, as the watcher reads it. */
  static boolean watcherLeaderElection(List<Map<String, Object>> docs) {
    return watcherConfig(docs).leaderElection().enabled();
  }

  /** The Lease grants the watcher's configuration needs: create, and get/update by name. */
  static Set<String> watcherLease(List<Map<String, Object>> docs) {
    WatcherConfig.LeaderElection le = watcherConfig(docs).leaderElection();
    assertThat(le.leaseNamespace())
        .as("the Lease is in the service account's namespace")
        .isIn("", "pitstop");
    return grants(
        "coordination.k8s.io|leases|create",
        "coordination.k8s.io|leases|get,update|" + le.leaseName());
  }

  private static WatcherConfig watcherConfig(List<Map<String, Object>> docs) {
    Map<String, String> env = new HashMap<>();
    for (String cm : List.of("pitstop-common", "pitstop-watcher")) {
      Yaml.map(Kustomize.named(docs, "ConfigMap", cm), "data")
          .forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    return WatcherConfig.fromMap(env);
  }

  /** ENGINE_NAMESPACES of the engine's ConfigMaps, as the engine parses it. */
  static NamespaceScope engineNamespaces(List<Map<String, Object>> docs) {
    String value = null;
    for (String cm : List.of("pitstop-common", "pitstop-breakpoint-engine")) {
      Object v = Yaml.map(Kustomize.named(docs, "ConfigMap", cm), "data").get("ENGINE_NAMESPACES");
      value = v == null ? value : String.valueOf(v);
    }
    return NamespaceScope.parse(value, "ENGINE_NAMESPACES");
  }

  /** WATCHER_NAMESPACES of the watcher's ConfigMap; empty: all. */
  static List<String> watchedNamespaces(List<Map<String, Object>> docs) {
    String ns =
        Yaml.string(
            Kustomize.named(docs, "ConfigMap", "pitstop-watcher"), "data", "WATCHER_NAMESPACES");
    return ns == null || ns.isBlank() ? List.of() : List.of(ns.split(","));
  }

  /**
   * Every grant a ServiceAccount of the pitstop namespace gets, as
   * "scope|group|resource|verb|name".
   */
  static Set<String> effectiveGrants(List<Map<String, Object>> docs, String serviceAccount) {
    Set<String> out = new TreeSet<>();
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (Map<String, Object> b : Kustomize.ofKind(docs, kind)) {
        boolean bound =
            Yaml.list(b, "subjects").stream()
                .anyMatch(
                    s ->
                        "ServiceAccount".equals(Yaml.string(s, "kind"))
                            && serviceAccount.equals(Yaml.string(s, "name"))
                            && "pitstop".equals(Yaml.string(s, "namespace")));
        if (!bound) {
          continue;
        }
        String scope =
            kind.equals("ClusterRoleBinding") ? "*" : Yaml.string(b, "metadata", "namespace");
        String roleKind = Yaml.string(b, "roleRef", "kind");
        String roleName = Yaml.string(b, "roleRef", "name");
        Map<String, Object> role =
            Kustomize.ofKind(docs, roleKind).stream()
                .filter(r -> roleName.equals(Yaml.string(r, "metadata", "name")))
                .filter(
                    r ->
                        roleKind.equals("ClusterRole")
                            || scope.equals(Yaml.string(r, "metadata", "namespace")))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            kind + " refers to a missing " + roleKind + " " + roleName));
        for (Object rule : Yaml.list(role, "rules")) {
          List<Object> names = Yaml.list(rule, "resourceNames");
          for (Object g : Yaml.list(rule, "apiGroups")) {
            for (Object r : Yaml.list(rule, "resources")) {
              for (Object v : Yaml.list(rule, "verbs")) {
                for (Object n : names.isEmpty() ? List.<Object>of("*") : names) {
                  out.add(scope + "|" + g + "|" + r + "|" + v + "|" + n);
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** "group|res1,res2|verb1,verb2[|name]" expanded to "group|res|verb|name" each. */
  static Set<String> grants(String... rules) {
    Set<String> out = new TreeSet<>();
    for (String rule : rules) {
      String[] p = rule.split("\\|", -1);
      for (String r : p[1].split(",")) {
        for (String v : p[2].split(",")) {
          out.add(p[0] + "|" + r + "|" + v + "|" + (p.length > 3 ? p[3] : "*"));
        }
      }
    }
    return out;
  }

  static Set<String> scoped(String scope, Set<String> grants) {
    return grants.stream().map(g -> scope + "|" + g).collect(Collectors.toCollection(TreeSet::new));
  }

  @ParameterizedTest
  @FieldSource("TARGETS")
  void pitstopServicesAreProbedAndScrapedOnTheirManagementPort(String target) {
    List<Map<String, Object>> docs = Kustomize.build(target);
    for (PitstopService s : PitstopService.values()) {
      Map<String, Object> d = Kustomize.named(docs, "Deployment", s.k8sName());
      String where = target + ": " + s.k8sName();
      assertThat(Yaml.string(d, "metadata", "annotations", "pitstop.dev/probes"))
          .as(where + ": no excuse for missing probes any more")
          .isNull();
      Map<String, Object> pod = Yaml.map(d, "spec", "template", "spec");
      Object c =
          Yaml.list(pod, "containers").stream()
              .filter(x -> s.module.equals(Yaml.string(x, "name")))
              .findFirst()
              .orElseThrow();
      assertThat(Yaml.list(c, "ports"))
          .as(where + " names its management port")
          .anyMatch(
              p ->
                  "management".equals(Yaml.string(p, "name"))
                      && Integer.valueOf(s.managementPort).equals(Yaml.at(p, "containerPort")));
      assertThat(Yaml.string(c, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
      assertThat(Yaml.<Object>at(c, "livenessProbe", "httpGet", "port")).isEqualTo("management");
      assertThat(Yaml.string(c, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
      assertThat(Yaml.<Object>at(c, "readinessProbe", "httpGet", "port")).isEqualTo("management");
      Map<String, Object> annotations = Yaml.map(d, "spec", "template", "metadata", "annotations");
      assertThat(annotations)
          .as(where + " Prometheus scrape annotations")
          .containsEntry("prometheus.io/scrape", "true")
          .containsEntry("prometheus.io/port", Integer.toString(s.managementPort))
          .containsEntry("prometheus.io/path", "/metrics");
    }
  }
}
