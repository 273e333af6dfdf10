package dev.pitstop.bench.capacity;

import dev.pitstop.bench.Recording;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.sandbox.kafka.SharedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test-only recordings: a whole PipelineRun's observations (the sample run of {@link SampleEvents}:
 * started, child TaskRun started, step started, breakpoint reached, step finished, TaskRun and
 * PipelineRun finished), written to a real topic as the watcher writes them, once per run with
 * fresh UIDs, then read back with {@link Recording#read}.
 */
public final class Recordings {
  /** The observation types of one run, in the order the watcher emits them. */
  static final List<EventType> ONE_RUN =
      List.of(
          EventType.PIPELINERUN_STARTED,
          EventType.TASKRUN_STARTED,
          EventType.STEP_STARTED,
          EventType.STEP_BREAKPOINT_REACHED,
          EventType.STEP_FINISHED,
          EventType.TASKRUN_FINISHED,
          EventType.PIPELINERUN_FINISHED);

  private Recordings() {}

  /** {@code runs} runs' observations written to {@code topic} (3 partitions) and read back. */
  public static Recording synthetic(String topic, int runs) throws Exception {
    SharedKafka.createTopics(3, topic);
    EventFactory watcher = new EventFactory("sandbox", "watcher");
    Map<EventType, EventData> data = SampleEvents.data();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers",
                SharedKafka.bootstrapServers(),
                "acks",
                "all",
                "enable.idempotence",
                "true"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int run = 1; run <= runs; run++) {
        for (EventType type : ONE_RUN) {
          PitstopEvent e = watcher.create(type, data.get(type), Instant.now());
          producer.send(EventRecords.toRecord(topic, ReplaySet.copy(e, run << 20)));
        }
      }
      producer.flush();
    }
    return Recording.read(SharedKafka.bootstrapServers(), topic, Duration.ofSeconds(30));
  }
}
