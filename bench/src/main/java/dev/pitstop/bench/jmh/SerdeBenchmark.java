package dev.pitstop.bench.jmh;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.kafka.EventRecords;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Event serde ({@link EventCodec}) of {@link SampleEvents}: structured JSON (what webhooks get)
 * both ways, and the Kafka record (binary CloudEvent: headers + data) both ways, as every service
 * does per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SerdeBenchmark {
  @Param({"STEP_FINISHED", "BREAKPOINT_PAUSED"})
  public String type;

  PitstopEvent event;
  String json;
  ProducerRecord<String, byte[]> record;

  @Setup
  public void setup() {
    event = SampleEvents.of(EventType.valueOf(type));
    json = EventCodec.toStructuredJson(event);
    record = EventRecords.toRecord("bench.observations", event);
  }

  @Benchmark
  public String encodeStructured() {
    return EventCodec.toStructuredJson(event);
  }

  @Benchmark
  public PitstopEvent decodeStructured() throws MalformedEventException {
    return EventCodec.fromStructuredJson(json);
  }

  @Benchmark
  public ProducerRecord<String, byte[]> encodeRecord() {
    return EventRecords.toRecord("bench.observations", event);
  }

  @Benchmark
  public PitstopEvent decodeRecord() throws MalformedEventException {
    return EventRecords.decode(record.headers(), record.value());
  }
}
