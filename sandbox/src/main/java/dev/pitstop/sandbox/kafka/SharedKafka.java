package dev.pitstop.sandbox.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka cluster per JVM for tests of every module, chosen on first use, in this order:
 *
 * <ol>
 *   <li>the cluster the environment variable {@value #ENV} names (non-blank): nothing is started;
 *   <li>when a Docker engine answers ({@code DockerClientFactory.isDockerAvailable()}), a
 *       Testcontainers broker ({@link ContainerKafka}, the official {@value ContainerKafka#IMAGE}
 *       image in KRaft mode);
 *   <li>otherwise one {@link EmbeddedKafka} in this JVM.
 * </ol>
 *
 * <p>The system property {@value #MODE_PROPERTY} ({@code auto}, {@code embedded}, {@code
 * container}) skips the Docker probe or insists on a container. A started broker has 3 partitions
 * per automatically created topic and is closed by a JVM shutdown hook. Tests share the cluster, so
 * each test should use its own topic prefix and consumer group ids.
 */
public final class SharedKafka {

  /** Environment variable naming an external cluster ({@code host:port[,host:port...]}). */
  public static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";

  /**
   * System property choosing the broker when {@value #ENV} is not set: auto, embedded, container.
   */
  public static final String MODE_PROPERTY = "pitstop.test.kafka";

  private static final Logger LOG = LoggerFactory.getLogger(SharedKafka.class);
  private static volatile String bootstrapServers;

  private SharedKafka() {}

  /**
   * Returns the shared cluster's address, starting the embedded broker on first use (blocking for
   * about 2 s).
   *
   * @return a {@code bootstrap.servers} value
   * @throws IllegalStateException if the embedded broker cannot start
   */
  public static String bootstrapServers() {
    String result = bootstrapServers;
    if (result == null) {
      synchronized (SharedKafka.class) {
        result = bootstrapServers;
        if (result == null) {
          result = resolve();
          bootstrapServers = result;
        }
      }
    }
    return result;
  }

  /**
   * Creates topics on the shared cluster (replication factor 1); existing topics are left as they
   * are.
   *
   * @param partitions partitions of each new topic, at least 1
   * @param names topic names
   * @throws IllegalStateException if the cluster refuses a topic or does not answer within 30 s
   */
  public static void createTopics(int partitions, String... names) {
    EmbeddedKafka.createTopics(bootstrapServers(), partitions, names);
  }

  private static String resolve() {
    String external = System.getenv(ENV);
    if (external != null && !external.isBlank()) {
      LOG.info("Using the Kafka cluster at {} from {}", external, ENV);
      return external;
    }
    String mode = System.getProperty(MODE_PROPERTY, "auto");
    boolean container =
        switch (mode) {
          case "embedded" -> false;
          case "container" -> true;
          case "auto" -> ContainerKafka.dockerAvailable();
          default ->
              throw new IllegalStateException(
                  MODE_PROPERTY + "=" + mode + ": expected auto, embedded or container");
        };
    if (container) {
      ContainerKafka kafka = ContainerKafka.start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(kafka::close, "pitstop-shared-kafka-shutdown"));
      LOG.info("Using a Testcontainers Kafka broker at {}", kafka.bootstrapServers());
      return kafka.bootstrapServers();
    }
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "pitstop-shared-kafka-shutdown"));
    return kafka.bootstrapServers();
  }
}
