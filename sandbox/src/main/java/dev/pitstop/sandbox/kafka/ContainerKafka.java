package dev.pitstop.sandbox.kafka;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka broker in a container (Testcontainers' {@code KafkaContainer}: the official Apache Kafka
 * image, KRaft, one node), for {@link SharedKafka} when a Docker engine is available.
 *
 * <p>Not exercised on machines without Docker (the project's CI included): {@link SharedKafka} only
 * chooses it after {@link #dockerAvailable()} said yes.
 */
public final class ContainerKafka implements AutoCloseable {
  /** The image, the same Kafka version as the embedded broker and the clients. */
  public static final String IMAGE = "apache/kafka:4.3.1";

  private final KafkaContainer container;

  private ContainerKafka(KafkaContainer container) {
    this.container = container;
  }

  /**
   * Whether a Docker engine answers: Testcontainers' own probe, asked only when a Docker endpoint
   * could exist at all ({@code DOCKER_HOST}, {@code TESTCONTAINERS_HOST_OVERRIDE}, {@code
   * ~/.testcontainers.properties}, or a {@code docker.sock} where Testcontainers' strategies look),
   * so machines without Docker are not told so at ERROR level by every test JVM. False on any
   * error.
   */
  public static boolean dockerAvailable() {
    if (!dockerEndpointHinted()) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static boolean dockerEndpointHinted() {
    if (notBlank(System.getenv("DOCKER_HOST"))
        || notBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    java.util.List<java.nio.file.Path> candidates = new java.util.ArrayList<>();
    candidates.add(java.nio.file.Path.of("/var/run/docker.sock"));
    candidates.add(java.nio.file.Path.of(home, ".testcontainers.properties"));
    candidates.add(java.nio.file.Path.of(home, ".docker", "run", "docker.sock"));
    candidates.add(java.nio.file.Path.of(home, ".docker", "desktop", "docker.sock"));
    candidates.add(java.nio.file.Path.of(home, ".colima", "default", "docker.sock"));
    if (notBlank(runtimeDir)) {
      candidates.add(java.nio.file.Path.of(runtimeDir, "docker.sock"));
    }
    return candidates.stream().anyMatch(java.nio.file.Files::exists);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /**
   * Starts the container (pulling the image if needed) and waits until the broker is ready, with 3
   * partitions per automatically created topic, as {@link EmbeddedKafka}.
   *
   * @throws IllegalStateException if it cannot start
   */
  public static ContainerKafka start() {
    KafkaContainer c =
        new KafkaContainer(DockerImageName.parse(IMAGE))
            .withEnv("KAFKA_NUM_PARTITIONS", "3")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
    try {
      c.start();
    } catch (RuntimeException e) {
      c.close();
      throw new IllegalStateException("cannot start a Kafka container (" + IMAGE + ")", e);
    }
    return new ContainerKafka(c);
  }

  /** The broker's {@code bootstrap.servers} value, as reachable from this host. */
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.close();
  }
}
