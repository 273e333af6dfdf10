package dev.pitstop.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates Pitstop's topics when they are missing, for local runs ({@code pitstop up}, {@code demo})
 * and tests. Production clusters declare them (k8s/ overlays, Strimzi {@code KafkaTopic}s):
 * services do not create topics on their own.
 */
public final class TopicSetup {
  private TopicSetup() {}

  /**
   * Creates each topic that does not exist yet, with {@code partitions} partitions and the broker's
   * default replication factor. Blocking: call it from a worker or start-up thread.
   *
   * @throws IllegalStateException when the broker does not answer within {@code timeout} or refuses
   */
  public static void ensure(KafkaSettings settings, int partitions, Duration timeout) {
    Map<String, Object> props = new HashMap<>(settings.client());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing =
          settings.topics().all().stream()
              .filter(t -> !existing.contains(t))
              .map(
                  t ->
                      new NewTopic(
                          t, java.util.Optional.of(partitions), java.util.Optional.empty()))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw new IllegalStateException("could not create Pitstop's topics: " + e.getCause(), e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + settings.client().get("bootstrap.servers")
              + " did not answer within "
              + timeout,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
