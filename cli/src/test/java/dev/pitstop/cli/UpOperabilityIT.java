package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pitstop up} as an operator runs it: one management port for the whole stack ({@code
 * /healthz}, {@code /readyz} ready once all four services are, {@code /metrics} of all four) and
 * JSON logs on stderr whose per-event lines carry the event id, the run and the trace id.
 */
@Timeout(240)
class UpOperabilityIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Pattern MANAGEMENT =
      Pattern.compile("Management +(http://127\\.0\\.0\\.1:(\\d+))");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesOneManagementPortForTheStackAndLogsJsonWithTheEventContext() throws Exception {
    Path demo = dir.resolve("build-pipeline.yaml");
    try (InputStream in = DemoCommand.class.getResourceAsStream(DemoCommand.BUNDLED)) {
      Files.write(demo, in.readAllBytes());
    }
    UpCommand up = new UpCommand();
    new CommandLine(up)
        .parseArgs(
            "--management-port",
            "0",
            "--engine-port",
            "0",
            "--kafka-bootstrap-servers",
            SharedKafka.bootstrapServers(),
            "--topic-prefix",
            "it-up-" + UUID.randomUUID().toString().substring(0, 8) + ".",
            "--kubeconfig-out",
            dir.resolve("kubeconfig").toString(),
            "--log-format",
            "json",
            "--log-level",
            "INFO",
            "--file",
            demo.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream stderr = new PrintStream(logs, true, StandardCharsets.UTF_8);
    PrintStream realErr = System.err;
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger code = new AtomicInteger(-1);
    System.setErr(stderr);
    Thread runner =
        new Thread(
            () -> {
              try {
                code.set(up.run(stop, stdout, stderr));
              } catch (Exception e) {
                e.printStackTrace(realErr);
                code.set(99);
              }
            },
            "pitstop-up");
    try {
      runner.start();
      String base =
          await().atMost(WAIT).until(() -> managementUrl(out), Optional::isPresent).orElseThrow();

      // Ready only when each of the four services started and their consumers hold partitions.
      await().atMost(WAIT).until(() -> get(base + "/readyz").statusCode() == 200);
      JsonObject ready = new JsonObject(get(base + "/readyz").body());
      assertThat(ready.getString("status")).isEqualTo("UP");
      assertThat(ready.getJsonObject("checks").getMap())
          .containsEntry("started:watcher", "ok")
          .containsEntry("started:breakpoint-engine", "ok")
          .containsEntry("started:notifier", "ok")
          .containsEntry("started:tracer", "ok")
          .containsEntry("kubernetes", "ok")
          .containsKeys("consumer:notifier", "consumer:tracer");
      assertThat(ready.getJsonObject("checks").fieldNames())
          .anyMatch(n -> n.startsWith("consumer:breakpoint-engine"));
      assertThat(get(base + "/healthz").body()).isEqualTo("{\"status\":\"UP\"}");

      // The runs of the bundled example go through all four: their metrics are on the one port.
      await()
          .atMost(WAIT)
          .until(
              () -> {
                String m = get(base + "/metrics").body();
                return m.contains("pitstop_events_consumed_total{consumer=\"notifier\"")
                    && m.contains("pitstop_events_consumed_total{consumer=\"tracer\"")
                    && m.contains("pitstop_events_published_total{type=\"dev.pitstop.");
              });

      // JSON logs: every line an object; lines logged while an event is handled carry its
      // context (the engine logs its decisions at INFO).
      await().atMost(WAIT).until(() -> !perEventLines(logs).isEmpty());
      for (String line : lines(logs)) {
        assertThat(parse(line)).as("a JSON log line: %s", line).isNotNull();
      }
      JsonObject line = perEventLines(logs).get(0);
      JsonObject mdc = line.getJsonObject("mdc");
      assertThat(mdc.getString("event_id")).isNotBlank();
      assertThat(mdc.getString("run")).contains("/");
      assertThat(mdc.getString("trace_id")).matches("[0-9a-f]{32}");
      assertThat(line.getString("level")).isNotBlank();
      assertThat(line.getString("formattedMessage")).isNotBlank();
    } finally {
      stop.countDown();
      runner.join(60_000);
      System.setErr(realErr);
      CliLogging.apply("text", null);
    }
    assertThat(code.get()).isZero();
  }

  private static Optional<String> managementUrl(ByteArrayOutputStream out) {
    Matcher m = MANAGEMENT.matcher(out.toString(StandardCharsets.UTF_8));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> lines(ByteArrayOutputStream logs) {
    List<String> out = new ArrayList<>();
    for (String l : logs.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        out.add(l);
      }
    }
    // The last line may be half written.
    if (!out.isEmpty() && parse(out.get(out.size() - 1)) == null) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static List<JsonObject> perEventLines(ByteArrayOutputStream logs) {
    return lines(logs).stream()
        .map(UpOperabilityIT::parse)
        .filter(j -> j != null && j.getJsonObject("mdc") != null)
        .filter(j -> j.getJsonObject("mdc").containsKey("event_id"))
        .toList();
  }

  private static JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
