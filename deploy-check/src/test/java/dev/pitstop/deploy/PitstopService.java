package dev.pitstop.deploy;

import dev.pitstop.engine.EngineConfig;
import dev.pitstop.events.Topics;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.tracer.TracerConfig;
import dev.pitstop.watcher.WatcherConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four services as deployments see them: the module (and compose service) name, the config
 * class whose {@code fromMap} is the only authority on the environment keys a service reads, and
 * whether it talks to Kubernetes (then fabric8 also reads {@code KUBECONFIG}).
 */
enum PitstopService {
  WATCHER("watcher", WatcherConfig::fromMap, true),
  ENGINE("breakpoint-engine", EngineConfig::fromMap, true),
  NOTIFIER("notifier", NotifierConfig::fromMap, false),
  TRACER("tracer", TracerConfig::fromMap, false);

  /** Read by fabric8's client builder, not by the service's config. */
  static final String KUBECONFIG = "KUBECONFIG";

  private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

  final String module;
  final Function<Map<String, String>, Object> fromMap;
  final boolean usesKubernetes;

  PitstopService(
      String module, Function<Map<String, String>, Object> fromMap, boolean usesKubernetes) {
    this.module = module;
    this.fromMap = fromMap;
    this.usesKubernetes = usesKubernetes;
  }

  /** The name of its Deployment, ServiceAccount and ConfigMap in k8s/. */
  String k8sName() {
    return "pitstop-" + module;
  }

  static PitstopService byModule(String module) {
    for (PitstopService s : values()) {
      if (s.module.equals(module)) {
        return s;
      }
    }
    return null;
  }

  /** The config a deployment's environment yields; throws the service's own ConfigException. */
  Object config(Map<String, String> env) {
    return fromMap.apply(env);
  }

  /**
   * What is wrong with an environment a deployment gives this service: a key that nothing reads (a
   * typo, or a key that has no effect with the others given), or a config that does not load (a
   * required key missing, a bad value: the message names it). Empty when all is well.
   */
  List<String> problems(String where, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Set<String> read;
    try {
      read = Settings.keysRead(() -> config(env));
    } catch (RuntimeException e) {
      return List.of(where + ": " + module + " does not start with it: " + e.getMessage());
    }
    Set<String> allowed = new TreeSet<>(read);
    allowed.addAll(imageVariables());
    if (usesKubernetes) {
      allowed.add(KUBECONFIG);
    }
    for (String key : new TreeSet<>(env.keySet())) {
      boolean byPrefix =
          allowed.stream()
              .anyMatch(a -> a.endsWith("*") && key.startsWith(a.substring(0, a.length() - 1)));
      if (!allowed.contains(key) && !byPrefix) {
        problems.add(where + ": " + module + " does not read " + key);
      }
    }
    return problems;
  }

  /** The topics this service's config names, for the deployments that declare topics. */
  static Map<String, TopicNeed> topics(Map<String, String> env) {
    EngineConfig engine = EngineConfig.fromMap(env);
    NotifierConfig notifier = NotifierConfig.fromMap(env);
    Topics topics = engine.kafka().topics();
    Map<String, TopicNeed> needs = new java.util.LinkedHashMap<>();
    for (String t : topics.all()) {
      needs.put(t, new TopicNeed(t, false, null));
    }
    // ENGINE_STATE_PARTITIONS unset (0): the state topic must have the observations topic's count.
    needs.put(
        engine.stateTopic(),
        engine.statePartitions() == 0
            ? new TopicNeed(engine.stateTopic(), true, null, topics.observations())
            : new TopicNeed(engine.stateTopic(), true, engine.statePartitions()));
    needs.put(notifier.stateTopic(), new TopicNeed(notifier.stateTopic(), true, 1));
    return needs;
  }

  /**
   * A topic a service needs.
   *
   * @param compacted whether it must be {@code cleanup.policy=compact}
   * @param partitions the partition count the code expects, or null when any
   */
  /**
   * @param partitions the partition count it must have; null: any
   * @param partitionsOf a topic whose partition count it must have; null: none
   */
  record TopicNeed(String name, boolean compacted, Integer partitions, String partitionsOf) {
    TopicNeed(String name, boolean compacted, Integer partitions) {
      this(name, compacted, partitions, null);
    }
  }

  /** Variables the image's logback.xml reads (deploy/docker/logback.xml). */
  static Set<String> imageVariables() {
    try {
      String xml = Files.readString(Repo.root().resolve("deploy/docker/logback.xml"));
      Set<String> vars = new TreeSet<>();
      Matcher m = LOGBACK_VARIABLE.matcher(xml);
      while (m.find()) {
        vars.add(m.group(1));
      }
      return vars;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the repository is, from the module's working directory. */
  static final class Repo {
    private Repo() {}

    static Path root() {
      Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
      return Files.exists(here.resolve("docker-compose.yml")) ? here : here.getParent();
    }
  }
}
