package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.runtime.ops.LogContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images' deploy/docker/logback.xml: {@code PITSTOP_LOG_FORMAT=json} writes one JSON object per
 * line carrying the per-event MDC that {@code EventConsumer} sets ({@link LogContext}); {@code
 * text} writes plain lines. (Logback resolves {@code ${PITSTOP_LOG_FORMAT}} from system properties
 * before the environment, so a property stands in for the variable here.)
 */
class ImageLoggingTest {
  private final PrintStream stdout = System.out;

  @AfterEach
  void restore() throws Exception {
    System.setOut(stdout);
    System.clearProperty("PITSTOP_LOG_FORMAT");
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  private String logWith(String format) throws Exception {
    System.setProperty("PITSTOP_LOG_FORMAT", format);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    JoranConfigurator jc = new JoranConfigurator();
    jc.setContext(ctx);
    jc.doConfigure(PitstopService.Repo.root().resolve("deploy/docker/logback.xml").toFile());
    Logger log = LoggerFactory.getLogger("dev.pitstop.test");
    PitstopEvent e = SampleEvents.of(EventType.TASKRUN_STARTED);
    try (LogContext mdc = LogContext.of(e)) {
      log.info("handling {}", e.id());
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "text"})
  void theFormatIsChosenByPitstopLogFormat(String format) throws Exception {
    PitstopEvent e = SampleEvents.of(EventType.TASKRUN_STARTED);
    String out = logWith(format);
    assertThat(out).contains("handling " + e.id());
    if (format.equals("json")) {
      String line = out.lines().filter(l -> l.contains("handling")).findFirst().orElseThrow();
      io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(line);
      assertThat(json.getString("level")).isEqualTo("INFO");
      assertThat(json.getJsonObject("mdc").getString(LogContext.EVENT_ID)).isEqualTo(e.id());
      assertThat(json.getJsonObject("mdc").getString(LogContext.RUN))
          .isEqualTo(e.data().run().namespace() + "/" + e.data().run().name());
      assertThat(json.getJsonObject("mdc").getString(LogContext.TRACE_ID))
          .isEqualTo(dev.pitstop.tracer.span.SpanIds.traceId(e.partitionKey()));
    } else {
      assertThat(out).doesNotContain("{\"");
    }
  }
}
