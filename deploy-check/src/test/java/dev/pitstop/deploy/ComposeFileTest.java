package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.deploy.PitstopService.TopicNeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml (and docker-compose.receiver.yml over it) against the code: each Pitstop
 * service gets only keys its config reads and starts with them, runs its own Main from its module's
 * Dockerfile, hardened; the topics it declares are the ones the services use. Variables such as
 * {@code ${PITSTOP_TOKEN:-...}} take their defaults, as in a plain {@code docker compose up}.
 */
class ComposeFileTest {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
  private static final Path ROOT = PitstopService.Repo.root();

  static Map<String, Object> compose(String... files) throws IOException {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (String f : files) {
      Map<String, Object> doc =
          Yaml.documents(interpolate(Files.readString(ROOT.resolve(f)))).get(0);
      merge(merged, doc);
    }
    return merged;
  }

  /** Compose's merge of several files: maps merge key by key, anything else is replaced. */
  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m && into.get(k) instanceof Map<?, ?> existing) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
            merge(copy, (Map<String, Object>) m);
            into.put(k, copy);
          } else {
            into.put(k, v);
          }
        });
  }

  /** Compose's variable syntax with no variable set: defaults apply, {@code $$} is {@code $}. */
  static String interpolate(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group().equals("$$")) {
        value = "$";
      } else if (m.group(2) != null && m.group(2).endsWith("-")) {
        value = m.group(3);
      } else {
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static Map<String, String> environment(Map<String, Object> compose, String service) {
    Object env = Yaml.at(compose, "services", service, "environment");
    Map<String, String> out = new HashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (env instanceof List<?> l) {
      for (Object e : l) {
        String[] kv = String.valueOf(e).split("=", 2);
        out.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return out;
  }

  @Test
  void everyPitstopServiceIsSetOnlyKeysItReadsAndStartsWithThem() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String[] files :
        List.of(
            new String[] {"docker-compose.yml"},
            new String[] {"docker-compose.yml", "docker-compose.receiver.yml"})) {
      Map<String, Object> compose = compose(files);
      for (PitstopService s : PitstopService.values()) {
        assertThat(Yaml.map(compose, "services")).containsKey(s.module);
        problems.addAll(s.problems(String.join("+", files), environment(compose, s.module)));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theCheckFindsAKeyNoServiceReadsAndAMissingRequiredOne() throws IOException {
    Map<String, String> env = environment(compose("docker-compose.yml"), "tracer");
    env.put("TRACER_OTLP_ENDPIONT", "http://jaeger:4318/v1/traces");
    assertThat(PitstopService.TRACER.problems("t", env))
        .containsExactly("t: tracer does not read TRACER_OTLP_ENDPIONT");
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    assertThat(PitstopService.TRACER.problems("t", env))
        .singleElement()
        .asString()
        .contains("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void eachServiceIsBuiltFromItsModuleAndRunsItsOwnMain() throws Exception {
    Map<String, Object> compose = compose("docker-compose.yml");
    Pattern entry = Pattern.compile("\"(dev\\.pitstop\\.[\\w.]+\\.Main)\"\\]");
    for (PitstopService s : PitstopService.values()) {
      assertThat(Yaml.string(compose, "services", s.module, "build")).isEqualTo("./" + s.module);
      String dockerfile = Files.readString(ROOT.resolve(s.module).resolve("Dockerfile"));
      Matcher m = entry.matcher(dockerfile);
      assertThat(m.find()).as(s.module + "/Dockerfile names a Main").isTrue();
      Class<?> main = Class.forName(m.group(1));
      Class<?> config = s.config(minimal()).getClass();
      assertThat(main.getPackageName()).isEqualTo(config.getPackageName());
      assertThat(main.getMethod("main", String[].class)).isNotNull();
      assertThat(dockerfile)
          .contains("FROM eclipse-temurin:17-jre")
          .containsPattern("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$")
          .contains("COPY target/pitstop-" + s.module + "-*.jar");
      assertThat(ROOT.resolve(s.module).resolve(".dockerignore")).exists();
    }
  }

  private static Map<String, String> minimal() {
    return Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "ENGINE_API_TOKENS", "u=t");
  }

  @Test
  void pitstopServicesRunReadOnlyAsNonRootWithoutCapabilities() throws IOException {
    Map<String, Object> compose = compose("docker-compose.yml", "docker-compose.receiver.yml");
    for (PitstopService s : PitstopService.values()) {
      Map<String, Object> svc = Yaml.map(compose, "services", s.module);
      assertThat(svc.get("read_only")).as(s.module).isEqualTo(true);
      assertThat(Yaml.string(svc, "user")).as(s.module).matches("[1-9][0-9]*:[1-9][0-9]*");
      assertThat(Yaml.list(svc, "tmpfs")).as(s.module).contains("/tmp");
      assertThat(Yaml.list(svc, "cap_drop")).as(s.module).contains("ALL");
      List<Object> volumes = Yaml.list(svc, "volumes");
      if (s.usesKubernetes) {
        String kubeconfig = environment(compose, s.module).get(PitstopService.KUBECONFIG);
        assertThat(volumes)
            .as(s.module)
            .anyMatch(v -> v.toString().endsWith(":" + kubeconfig + ":ro"));
      } else {
        assertThat(volumes).as(s.module + " needs no kubeconfig").isEmpty();
      }
    }
  }

  @Test
  void dependenciesWaitForWhatCanSayItIsReady() throws IOException {
    Map<String, Object> compose = compose("docker-compose.yml", "docker-compose.receiver.yml");
    Map<String, Object> services = Yaml.map(compose, "services");
    services.forEach(
        (name, svc) ->
            Yaml.map(svc, "depends_on")
                .forEach(
                    (dep, how) -> {
                      assertThat(services).as(name + " depends on " + dep).containsKey(dep);
                      String condition = Yaml.string(how, "condition");
                      if ("service_healthy".equals(condition)) {
                        assertThat(Yaml.map(services.get(dep), "healthcheck"))
                            .as(dep + " has a healthcheck")
                            .isNotEmpty();
                      }
                    }));
    for (PitstopService s : PitstopService.values()) {
      assertThat(Yaml.string(services, s.module, "depends_on", "kafka-topics", "condition"))
          .isEqualTo("service_completed_successfully");
    }
    assertThat(Yaml.string(services, "kafka-topics", "depends_on", "kafka", "condition"))
        .isEqualTo("service_healthy");
    assertThat(Yaml.map(services, "breakpoint-engine", "healthcheck")).containsKey("test");
  }

  @Test
  void theTopicsCreatedAreTheOnesTheServicesUse() throws IOException {
    Map<String, Object> compose = compose("docker-compose.yml");
    String script =
        String.join("\n", Yaml.<List<String>>at(compose, "services", "kafka-topics", "command"));
    Map<String, String> env = environment(compose, "breakpoint-engine");
    assertTopics(TopicScript.parse(script), PitstopService.topics(env));
  }

  static void assertTopics(Map<String, TopicScript.Topic> declared, Map<String, TopicNeed> needs) {
    assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(needs.keySet());
    Integer eventPartitions = null;
    for (TopicNeed need : needs.values()) {
      TopicScript.Topic t = declared.get(need.name());
      assertThat(t.compacted()).as(need.name() + " compacted").isEqualTo(need.compacted());
      if (need.partitions() != null) {
        assertThat(t.partitions()).as(need.name() + " partitions").isEqualTo(need.partitions());
      }
      if (need.partitionsOf() != null) {
        assertThat(t.partitions())
            .as(need.name() + " partitions: those of " + need.partitionsOf())
            .isEqualTo(declared.get(need.partitionsOf()).partitions());
      }
      if (!need.compacted()) {
        if (eventPartitions == null) {
          eventPartitions = t.partitions();
        }
        assertThat(t.partitions())
            .as(need.name() + ": every event topic alike")
            .isEqualTo(eventPartitions);
      }
    }
  }

  @Test
  void tracesGoToJaegerAndDeliveriesToTheReceiver() throws IOException {
    Map<String, Object> plain = compose("docker-compose.yml");
    assertThat(environment(plain, "tracer").get("TRACER_OTLP_ENDPOINT"))
        .isEqualTo("http://jaeger:4318/v1/traces");
    assertThat(Yaml.list(plain, "services", "jaeger", "ports"))
        .anyMatch(p -> p.toString().endsWith(":16686"));
    assertThat(Yaml.map(plain, "services")).doesNotContainKey("receiver");
    assertThat(environment(plain, "notifier").getOrDefault("NOTIFIER_WEBHOOK_URLS", "")).isEmpty();
    Map<String, Object> withReceiver = compose("docker-compose.yml", "docker-compose.receiver.yml");
    String url = environment(withReceiver, "notifier").get("NOTIFIER_WEBHOOK_URLS");
    assertThat(url)
        .startsWith(
            "http://receiver:"
                + Yaml.string(withReceiver, "services", "receiver", "environment", "HTTP_PORT")
                + "/");
  }
}
