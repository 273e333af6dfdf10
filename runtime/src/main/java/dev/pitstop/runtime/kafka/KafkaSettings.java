package dev.pitstop.runtime.kafka;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import java.util.HashMap;
import java.util.Map;

/**
 * How a service reaches Kafka: client properties ({@code KAFKA_*} variables passed through, {@code
 * KAFKA_BOOTSTRAP_SERVERS} required) and the topic names ({@code PITSTOP_TOPIC_PREFIX}).
 *
 * @param client Kafka client properties common to producers and consumers
 * @param topics the topic names
 */
public record KafkaSettings(Map<String, String> client, Topics topics) {
  public KafkaSettings {
    client = Map.copyOf(client);
  }

  /**
   * @throws ConfigException naming {@code KAFKA_BOOTSTRAP_SERVERS} when absent, or {@code
   *     PITSTOP_TOPIC_PREFIX} when illegal
   */
  public static KafkaSettings from(Settings s) {
    Map<String, String> client = new HashMap<>(s.byPrefix("KAFKA_"));
    if (!client.containsKey("bootstrap.servers")) {
      throw new ConfigException("KAFKA_BOOTSTRAP_SERVERS is required but not set");
    }
    try {
      return new KafkaSettings(
          client, new Topics(s.string("PITSTOP_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("PITSTOP_TOPIC_PREFIX: " + e.getMessage());
    }
  }

  /** For code that has a bootstrap address and a prefix at hand (the CLI, tests). */
  public static KafkaSettings of(String bootstrapServers, Topics topics) {
    return new KafkaSettings(Map.of("bootstrap.servers", bootstrapServers), topics);
  }

  /**
   * Properties of an idempotent producer ({@code acks=all}) with byte[] keys and values.
   *
   * <p>{@code linger.ms} defaults to 0 ({@code KAFKA_LINGER_MS} overrides it): every Pitstop event
   * is on someone's latency path (a pause notification crosses two hops), and a record sent alone
   * waits neither for a batch to fill nor for the sender thread's timer. Batching still happens
   * under load: records that arrive while the connection has {@code
   * max.in.flight.requests.per.connection} requests outstanding go out together in the next one.
   * Kafka 4's own default is 5 ms; a side-by-side run of one record every 20 ms (issue #7,
   * docs/performance.md "Pitstop's Kafka legs") measured 1 ms costing ~3 ms more than 0 at p50 from
   * {@code send()} to the acknowledgement on a loaded machine.
   */
  public Map<String, String> producerConfig(String clientId) {
    Map<String, String> p = new HashMap<>(client);
    p.put("client.id", clientId);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", p.getOrDefault("linger.ms", "0"));
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return p;
  }

  /** Properties of a consumer in {@code groupId} reading bytes, committing manually. */
  public Map<String, String> consumerConfig(String groupId, String clientId) {
    Map<String, String> p = new HashMap<>(client);
    p.put("group.id", groupId);
    p.put("client.id", clientId);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", p.getOrDefault("auto.offset.reset", "earliest"));
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return p;
  }
}
