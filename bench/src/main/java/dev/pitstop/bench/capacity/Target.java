package dev.pitstop.bench.capacity;

import dev.pitstop.engine.EngineConfig;
import dev.pitstop.engine.EngineService;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.tracer.TracerConfig;
import dev.pitstop.tracer.TracerService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * A service part 2 measures alone, started through its own {@code XxxConfig.fromMap} and {@code
 * XxxService.start} as the CLI starts it.
 */
public enum Target {
  /** The breakpoint engine: consumes observations (and commands), writes decisions and state. */
  BREAKPOINT_ENGINE("breakpoint-engine", EngineConfig.SERVICE),
  /** The notifier with the local webhook receiver subscribed: delivering is its work. */
  NOTIFIER("notifier", NotifierService.GROUP),
  /** The notifier with no subscription at all: consuming and routing only. */
  NOTIFIER_UNSUBSCRIBED("notifier (no subscribers)", NotifierService.GROUP),
  /** The tracer exporting OTLP/HTTP to the local OTLP receiver. */
  TRACER("tracer", TracerConfig.GROUP);

  private final String label;
  private final String group;

  Target(String label, String group) {
    this.label = label;
    this.group = group;
  }

  /** The name in the report. */
  public String label() {
    return label;
  }

  /**
   * The target a {@code --service} name means: its label with spaces and parentheses as dashes
   * ({@code breakpoint-engine}, {@code notifier}, {@code notifier-unsubscribed}, {@code tracer}).
   */
  public static java.util.Optional<Target> named(String name) {
    for (Target t : values()) {
      String n = t == NOTIFIER_UNSUBSCRIBED ? "notifier-unsubscribed" : t.label;
      if (n.equalsIgnoreCase(name)) {
        return java.util.Optional.of(t);
      }
    }
    return java.util.Optional.empty();
  }

  /** Its consumer group, whose committed offsets on the observations topic are sampled. */
  public String group() {
    return group;
  }

  /** What a target is started against. */
  public record Env(
      String bootstrap,
      String topicPrefix,
      String webhookUrl,
      String otlpEndpoint,
      KubernetesClient client) {}

  /** Starts the service on {@code env}'s broker and topic prefix. */
  public Future<? extends PitstopService> start(Vertx vertx, Env env) {
    Map<String, String> m = new HashMap<>();
    m.put("PITSTOP_CLUSTER", "bench");
    m.put("KAFKA_BOOTSTRAP_SERVERS", env.bootstrap());
    m.put("PITSTOP_TOPIC_PREFIX", env.topicPrefix());
    return switch (this) {
      case BREAKPOINT_ENGINE -> {
        m.put("ENGINE_HTTP_HOST", "127.0.0.1");
        m.put("ENGINE_HTTP_PORT", "0");
        m.put("ENGINE_API_TOKENS", "bench=" + java.util.UUID.randomUUID());
        m.put("ENGINE_STATE_PARTITIONS", "3");
        yield EngineService.start(vertx, EngineConfig.fromMap(m), env.client());
      }
      case NOTIFIER -> {
        m.put("NOTIFIER_WEBHOOK_URLS", env.webhookUrl());
        yield NotifierService.start(vertx, NotifierConfig.fromMap(m));
      }
      case NOTIFIER_UNSUBSCRIBED -> NotifierService.start(vertx, NotifierConfig.fromMap(m));
      case TRACER -> {
        m.put("TRACER_OTLP_ENDPOINT", env.otlpEndpoint());
        // Spans of a run are exported this long after it finished; short so the tail is short.
        m.put("TRACER_FINISH_GRACE", "200ms");
        yield TracerService.start(vertx, TracerConfig.fromMap(m));
      }
    };
  }
}
