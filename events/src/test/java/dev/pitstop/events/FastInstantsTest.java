package dev.pitstop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastInstantsTest {
  /** The mapper as it was before FastInstants: the reference for every input. */
  private static final ObjectMapper JAVA_TIME =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .build();

  private static Instant viaCodec(String s) throws Exception {
    return EventCodec.mapper().readValue("\"" + s + "\"", Instant.class);
  }

  private static Instant viaJavaTime(String s) throws Exception {
    return JAVA_TIME.readValue("\"" + s + "\"", Instant.class);
  }

  @Test
  void parsesWhatPitstopWritesAsJavaTimeDoes() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1..9999
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      for (String s : List.of(t.toString(), DateTimeFormatter.ISO_INSTANT.format(t))) {
        assertThat(FastInstants.parse(s)).as(s).isEqualTo(t);
        assertThat(viaCodec(s)).as(s).isEqualTo(viaJavaTime(s));
      }
    }
  }

  @Test
  void everyFractionLength() {
    String base = "2026-11-21T09:00:00";
    String digits = "123456789";
    for (int len = 1; len <= 9; len++) {
      String s = base + "." + digits.substring(0, len) + "Z";
      assertThat(FastInstants.parse(s)).as(s).isEqualTo(Instant.parse(s));
    }
  }

  @Test
  void otherFormsAndInvalidValuesFallBackToJavaTimeWithTheSameResultOrError() throws Exception {
    for (String s :
        List.of(
            "2026-11-21T09:00:00+02:00",
            "2026-11-21T09:00:00.5-01:30",
            "2026-11-21t09:00:00z",
            "2026-11-21T09:00Z",
            "+12026-11-21T09:00:00Z",
            // not valid as written: java.time decides (e.g. it reads 24:00 as the next midnight)
            "2026-02-30T09:00:00Z",
            "2026-13-01T09:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T09:60:00Z",
            "2026-12-31T23:59:60Z",
            "2026-11-21T09:00:00.Z",
            "2026-11-21T09:00:00.1234567890Z",
            "2026-11-2xT09:00:00Z",
            "garbage")) {
      assertThat(FastInstants.parse(s)).as(s).isNull();
      Instant expected;
      try {
        expected = viaJavaTime(s);
      } catch (Exception e) {
        assertThatThrownBy(() -> viaCodec(s)).as(s).isInstanceOf(e.getClass());
        continue;
      }
      assertThat(viaCodec(s)).as(s).isEqualTo(expected);
    }
  }

  @Test
  void theCodecUsesItAndEpochNumbersStillWork() throws Exception {
    var ctxt =
        ((DefaultDeserializationContext) EventCodec.mapper().getDeserializationContext())
            .createInstance(EventCodec.mapper().getDeserializationConfig(), null, null);
    assertThat(ctxt.findRootValueDeserializer(ctxt.constructType(Instant.class)))
        .isInstanceOf(FastInstants.Deserializer.class);
    assertThat(EventCodec.mapper().readValue("1700000000.5", Instant.class))
        .isEqualTo(JAVA_TIME.readValue("1700000000.5", Instant.class));
  }
}
