package dev.pitstop.tracer;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.tracer.span.RunUrlTemplate;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The tracer's configuration, read from environment variables.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_CLUSTER}</td><td>{@code sandbox}</td><td>cluster name
 *       (resource attribute {@code k8s.cluster.name})</td></tr>
 *   <tr><td>{@code KAFKA_*}</td><td>—</td><td>Kafka client properties; {@code
 *       KAFKA_BOOTSTRAP_SERVERS} is required</td></tr>
 *   <tr><td>{@code PITSTOP_TOPIC_PREFIX}</td><td>{@code pitstop.}</td><td>topic name prefix</td></tr>
 *   <tr><td>{@code TRACER_OTLP_PROTOCOL}</td><td>{@code http/protobuf}</td><td>{@code
 *       http/protobuf} (OTLP/HTTP) or {@code grpc} (OTLP/gRPC, over OkHttp: no grpc-java)</td></tr>
 *   <tr><td>{@code TRACER_OTLP_ENDPOINT}</td><td>{@code http://127.0.0.1:4318/v1/traces}
 *       (grpc: {@code http://127.0.0.1:4317})</td>
 *       <td>http/protobuf: the traces URL with its path; grpc: {@code scheme://host:port}
 *       without a path</td></tr>
 *   <tr><td>{@code TRACER_CONSUMER_GROUP}</td><td>{@code tracer}</td><td>Kafka consumer group; a
 *       second tracer (e.g. to another backend) takes its own group and exports the same ids</td></tr>
 *   <tr><td>{@code TRACER_FINISH_GRACE}</td><td>{@code 3s}</td><td>after a root run finished, how
 *       long to wait for TaskRun finishes still missing before exporting anyway</td></tr>
 *   <tr><td>{@code TRACER_DASHBOARD_URL}</td><td>none</td><td>template of {@code
 *       cicd.pipeline.run.url.full}: placeholders {@code {namespace} {name} {uid} {kind}}</td></tr>
 *   <tr><td>{@code TRACER_MAX_OPEN_RUNS}</td><td>{@code 10000}</td><td>runs collected at once;
 *       beyond, the least recently updated is dropped unexported</td></tr>
 *   <tr><td>{@code TRACER_MAX_IDLE}</td><td>{@code 24h}</td><td>a run whose finish never arrived
 *       is exported (incomplete) after this long without an event, and its events committed</td></tr>
 *   <tr><td>{@code TRACER_EXPORT_QUEUE}</td><td>{@code 20000}</td><td>spans waiting for export at
 *       most; beyond, progress exports are dropped (their spans go with the run's last export)
 *       and last exports wait in line, in order; while a hundredth of this many wait, the tracer
 *       takes no next event</td></tr>
 *   <tr><td>{@code TRACER_EXPORT_BATCH}</td><td>{@code 512}</td><td>spans per OTLP request at
 *       most (a single larger trace goes alone)</td></tr>
 * </table>
 *
 * @param dashboardUrl null when not configured
 */
public record TracerConfig(
    String cluster,
    KafkaSettings kafka,
    OtlpProtocol otlpProtocol,
    URI otlpEndpoint,
    String consumerGroup,
    Duration finishGrace,
    RunUrlTemplate dashboardUrl,
    int maxOpenRuns,
    Duration maxIdle,
    int exportQueueSpans,
    int exportBatchSpans) {
  /** The default consumer group and the name in dead-letter headers. */
  public static final String GROUP = "tracer";

  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4318/v1/traces";
  public static final String DEFAULT_GRPC_ENDPOINT = "http://127.0.0.1:4317";

  /** How spans are sent: OTLP's {@code OTEL_EXPORTER_OTLP_PROTOCOL} values this tracer takes. */
  public enum OtlpProtocol {
    HTTP_PROTOBUF("http/protobuf"),
    GRPC("grpc");

    private final String value;

    OtlpProtocol(String value) {
      this.value = value;
    }

    /** The configuration value, e.g. {@code http/protobuf}. */
    public String value() {
      return value;
    }

    static OtlpProtocol parse(String value) {
      for (OtlpProtocol p : values()) {
        if (p.value.equals(value)) {
          return p;
        }
      }
      throw new ConfigException(
          "TRACER_OTLP_PROTOCOL="
              + value
              + " is not supported: http/protobuf or grpc (http/json is not offered)");
    }
  }

  public static final Duration DEFAULT_FINISH_GRACE = Duration.ofSeconds(3);

  public TracerConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(otlpProtocol, "otlpProtocol");
    Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(finishGrace, "finishGrace");
    Objects.requireNonNull(maxIdle, "maxIdle");
  }

  /**
   * @throws ConfigException naming the first key whose value is missing or invalid
   */
  public static TracerConfig fromMap(Map<String, String> env) {
    Settings s = new Settings(env);
    String cluster = s.string("PITSTOP_CLUSTER", "sandbox");
    KafkaSettings kafka = KafkaSettings.from(s);
    OtlpProtocol protocol = OtlpProtocol.parse(s.string("TRACER_OTLP_PROTOCOL", "http/protobuf"));
    URI endpoint =
        endpoint(
            s.string(
                "TRACER_OTLP_ENDPOINT",
                protocol == OtlpProtocol.GRPC ? DEFAULT_GRPC_ENDPOINT : DEFAULT_ENDPOINT),
            protocol);
    String group = s.string("TRACER_CONSUMER_GROUP", GROUP);
    if (!group.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new ConfigException(
          "TRACER_CONSUMER_GROUP=" + group + " must be 1 to 200 of [A-Za-z0-9._-]");
    }
    Duration grace = s.duration("TRACER_FINISH_GRACE", DEFAULT_FINISH_GRACE);
    String template = s.string("TRACER_DASHBOARD_URL", null);
    RunUrlTemplate dashboard = null;
    if (template != null) {
      try {
        dashboard = new RunUrlTemplate(template);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("TRACER_DASHBOARD_URL=" + template + ": " + e.getMessage());
      }
    }
    int maxOpen = s.integer("TRACER_MAX_OPEN_RUNS", 10_000, 1, 10_000_000);
    Duration maxIdle = s.duration("TRACER_MAX_IDLE", Duration.ofHours(24));
    if (maxIdle.isZero() || maxIdle.isNegative()) {
      throw new ConfigException("TRACER_MAX_IDLE=" + maxIdle + " must be positive");
    }
    int queue = s.integer("TRACER_EXPORT_QUEUE", 20_000, 1, 10_000_000);
    int batch = s.integer("TRACER_EXPORT_BATCH", 512, 1, 100_000);
    return new TracerConfig(
        cluster, kafka, protocol, endpoint, group, grace, dashboard, maxOpen, maxIdle, queue,
        batch);
  }

  private static URI endpoint(String value, OtlpProtocol protocol) {
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new ConfigException(
            "TRACER_OTLP_ENDPOINT=" + value + " must be an http(s) URL with a host");
      }
      boolean hasPath =
          uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath());
      if (protocol == OtlpProtocol.GRPC && (hasPath || uri.getRawQuery() != null)) {
        // OTLP/gRPC calls the fixed method path
        // /opentelemetry.proto.collector.trace.v1.TraceService/Export.
        throw new ConfigException(
            "TRACER_OTLP_ENDPOINT="
                + value
                + " must be scheme://host:port without a path with TRACER_OTLP_PROTOCOL=grpc");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "TRACER_OTLP_ENDPOINT=" + value + " is not a URL: " + e.getMessage());
    }
  }
}
