package dev.pitstop.bench.footprint;

import dev.pitstop.watcher.WatcherConfig;
import dev.pitstop.watcher.WatcherService;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The watcher alone in its own JVM, so that its heap is measured without the sandbox API server's
 * store (which holds the same Pods). Started by {@link WatcherHeap} with the bench's classpath.
 *
 * <p>Arguments: the API server URL, Kafka's bootstrap servers, the topic prefix. Answers on stdout,
 * one command per stdin line (anything else it prints goes to stderr):
 *
 * <ul>
 *   <li>{@code histo}: a full GC, then the class histogram of live objects ({@code
 *       GC.class_histogram}, as {@code jcmd} prints it) between the lines {@code PROBE-BEGIN} and
 *       {@code PROBE-END};
 *   <li>{@code quit}: stops the watcher and exits.
 * </ul>
 *
 * It prints {@code PROBE-READY} once the watcher has started (its informers listed).
 */
public final class WatcherProbe {
  static final String READY = "PROBE-READY";
  static final String BEGIN = "PROBE-BEGIN";
  static final String END = "PROBE-END";

  private WatcherProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: WatcherProbe <api-server-url> <kafka-bootstrap> <topic-prefix>");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err); // nothing but the protocol on stdout
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(args[0])
            .withTrustCerts(true)
            .withHttp2Disable(true)
            .withNamespace("default")
            .build();
    Vertx vertx = Vertx.vertx();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      WatcherConfig wc =
          WatcherConfig.fromMap(
              Map.of("KAFKA_BOOTSTRAP_SERVERS", args[1], "PITSTOP_TOPIC_PREFIX", args[2]));
      WatcherService watcher = WatcherService.start(vertx, wc, client).await();
      out.println(READY);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
        if (line.trim().equals("histo")) {
          out.println(BEGIN);
          out.print(histogram());
          out.println(END);
        }
      }
      watcher.stop().await();
    } finally {
      vertx.close().await();
    }
    System.exit(0);
  }

  /** {@code GC.class_histogram} of this JVM: a full GC first, then live objects by class. */
  static String histogram() throws Exception {
    return (String)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
  }
}
