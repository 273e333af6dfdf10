package dev.pitstop.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.notifier.routing.Endpoint;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class DeliveryDeadLettersTest {
  @Test
  void aDeadLetterIsTheEventsOwnRecordWithWhyWhereAndHowOften() throws Exception {
    Topics topics = new Topics("t.");
    PitstopEvent e = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    Endpoint endpoint = Endpoint.webhook(URI.create("https://hooks.example.com/p?token=s3cret"));

    ProducerRecord<byte[], byte[]> dl =
        DeliveryDeadLetters.record(topics, e, endpoint, 5, "HTTP 503 (gave up after 5 attempts)");

    assertThat(dl.topic()).isEqualTo("t.deadletter");
    assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo(e.partitionKey());
    Headers h = dl.headers();
    assertThat(header(h, DeliveryDeadLetters.ATTEMPTS)).isEqualTo("5");
    assertThat(header(h, DeliveryDeadLetters.ENDPOINT)).isEqualTo("https://hooks.example.com/p");
    assertThat(header(h, EventRecords.DLQ_REASON))
        .contains("https://hooks.example.com/p")
        .contains("HTTP 503")
        .doesNotContain("s3cret");
    assertThat(header(h, EventRecords.DLQ_TOPIC)).isEqualTo("t.decisions");
    assertThat(header(h, EventRecords.DLQ_CONSUMER)).isEqualTo("notifier");
    // The original event can be read back from the dead letter (to replay it).
    assertThat(EventRecords.decode(h, dl.value())).isEqualTo(e);
  }

  private static String header(Headers h, String key) {
    return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
