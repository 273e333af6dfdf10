package dev.pitstop.sandbox.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one KRaft process acting as broker and controller) running inside
 * this JVM on 127.0.0.1, with free ports and a temporary log directory.
 *
 * <p>Every internal topic has replication factor 1 and min ISR 1 (so consumer groups and
 * transactions work on one node), {@code group.initial.rebalance.delay.ms=0}, and automatic topic
 * creation is on with a configurable partition count. Starting takes about 2 s and ~400 MB of heap
 * (see {@code shared/docs/dependencies.md}, "An embedded KRaft broker").
 *
 * <p>The broker logs through SLF4J; {@link BrokerLogging} turns its INFO chatter down unless the
 * application configured those loggers itself. Thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Default number of partitions of an automatically created topic. */
  public static final int DEFAULT_PARTITIONS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final Path logDir;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path logDir, String bootstrapServers) {
    this.server = server;
    this.logDir = logDir;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts a broker whose automatically created topics have {@value #DEFAULT_PARTITIONS}
   * partitions.
   *
   * @return a running broker; the caller must {@link #close()} it
   * @throws IllegalStateException if the storage cannot be formatted or the broker does not start
   */
  public static EmbeddedKafka start() {
    return start(DEFAULT_PARTITIONS);
  }

  /**
   * Starts a broker.
   *
   * @param defaultPartitions partitions of an automatically created topic ({@code num.partitions}),
   *     at least 1
   * @return a running broker; the caller must {@link #close()} it
   * @throws IllegalArgumentException if {@code defaultPartitions < 1}
   * @throws IllegalStateException if the storage cannot be formatted or the broker does not start
   */
  public static EmbeddedKafka start(int defaultPartitions) {
    if (defaultPartitions < 1) {
      throw new IllegalArgumentException("defaultPartitions must be >= 1: " + defaultPartitions);
    }
    BrokerLogging.quiet();
    long t0 = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory("pitstop-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's log directory", e);
    }
    try {
      int[] ports = freePorts(2);
      int brokerPort = ports[0];
      int controllerPort = ports[1];
      Properties props = brokerProperties(dir, brokerPort, controllerPort, defaultPartitions);
      format(dir, props);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + brokerPort;
      LOG.info(
          "Embedded Kafka started on {} in {} ms (log dir {})",
          bootstrap,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          dir);
      return new EmbeddedKafka(server, dir, bootstrap);
    } catch (RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    } catch (Exception e) {
      deleteRecursively(dir);
      throw new IllegalStateException("cannot start the embedded Kafka broker", e);
    }
  }

  /**
   * Returns the broker's address for clients.
   *
   * @return {@code "127.0.0.1:<port>"}, usable as {@code bootstrap.servers}
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates topics with replication factor 1, blocking until the broker has created them and every
   * new partition's leader answers (so a producer's first send is not refused). Topics that already
   * exist are left as they are (whatever their partition count).
   *
   * @param partitions partitions of each new topic, at least 1
   * @param names topic names
   * @throws IllegalStateException if the broker refuses a topic or does not answer within 30 s
   */
  public void createTopics(int partitions, String... names) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
    }
    createTopics(bootstrapServers, partitions, names);
  }

  /**
   * Creates topics on any cluster (replication factor 1), leaving existing ones as they are, and
   * waits until every new partition's leader answers.
   *
   * @throws IllegalStateException if the broker refuses a topic or does not answer within 30 s
   * @see #createTopics(int, String...)
   */
  public static void createTopics(String bootstrapServers, int partitions, String... names) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ADMIN_TIMEOUT.toMillis()))) {
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
          }
        }
      }
      // Created is not yet online: the broker can answer a produce NOT_LEADER_OR_FOLLOWER for a
      // moment after, and an idempotent producer that retries then can be refused for good
      // (OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout; RecordingReadIT lost 22 of 300
      // records so once). A ListOffsets is answered by the partition's leader only, and the admin
      // client retries it while the broker says it is not the leader.
      Map<TopicPartition, OffsetSpec> all = new HashMap<>();
      for (String name : created) {
        for (int i = 0; i < partitions; i++) {
          all.put(new TopicPartition(name, i), OffsetSpec.latest());
        }
      }
      // Until the broker's metadata has the topic, the admin client fails the ListOffsets at once
      // (UnknownTopicOrPartition, retriable): ask again until the deadline.
      long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
      while (true) {
        try {
          admin.listOffsets(all).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          break;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
            throw e;
          }
          TimeUnit.MILLISECONDS.sleep(20);
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "topics " + String.join(", ", names) + " created but not online", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topics", e);
    }
  }

  /**
   * Stops the broker (controlled shutdown, waiting for it to finish) and deletes its log directory.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      deleteRecursively(logDir);
    }
    LOG.info(
        "Embedded Kafka on {} stopped in {} ms",
        bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static Properties brokerProperties(
      Path dir, int brokerPort, int controllerPort, int defaultPartitions) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("num.partitions", Integer.toString(defaultPartitions));
    p.put("auto.create.topics.enable", "true");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    return p;
  }

  private static void format(Path dir, Properties props) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setDirectories(List.of(dir.toString()))
        .setMetadataLogDirectory(dir.toString())
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setControllerListenerName("CONTROLLER")
        .setUnstableFeatureVersionsEnabled(false)
        .run();
  }

  /** Reserves distinct free loopback ports (closed again before use; a race is unlikely). */
  private static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    int[] ports = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sockets[i].setReuseAddress(true);
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debug("cannot delete {}: {}", p, e.toString());
                }
              });
    } catch (IOException e) {
      LOG.warn("cannot delete the broker's log directory {}: {}", dir, e.toString());
    }
  }
}
