package dev.pitstop.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The observations part 1 produced, as the watcher wrote them to Kafka (bytes, in order per
 * partition), for part 2 to replay.
 *
 * @param records every record of the observations topic, in offset order per partition
 */
public record Recording(List<Record> records) {
  public Recording {
    records = List.copyOf(records);
  }

  /**
   * Reads a whole topic, every partition from its beginning to its end offset at the time of the
   * call.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param topic the topic, e.g. part 1's observations topic
   * @param timeout how long to wait for the end offsets to be reached
   * @throws java.util.concurrent.TimeoutException when not read by then
   */
  public static Recording read(String bootstrap, String topic, Duration timeout) throws Exception {
    throw new UnsupportedOperationException("Recording.read is not implemented yet");
  }

  /**
   * @param partition the partition it was read from
   * @param key the record key (the root run's uid), may be null
   * @param value the CloudEvent, structured JSON
   * @param headers the record headers, name to value
   */
  public record Record(int partition, byte[] key, byte[] value, Map<String, byte[]> headers) {}
}
