package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options of {@code pitstop up} that are refused before anything starts. */
class UpCommandTest {
  @TempDir Path dir;

  @Test
  void aRealClusterNeedsAnExplicitScope() throws Exception {
    Path kc = Files.writeString(dir.resolve("kc"), "apiVersion: v1\nkind: Config\n");
    assertThat(refusal("--kubeconfig", kc.toString()))
        .contains("--namespace NS, --selector SELECTOR, or --all-namespaces");
    assertThat(refusal("--kubeconfig", kc.toString(), "-A", "-n", "ci"))
        .contains("exclude each other");
    assertThat(refusal("--all-namespaces")).contains("goes with --kubeconfig");
    assertThat(refusal("--kubeconfig", dir.resolve("missing").toString(), "-A"))
        .contains("not a readable file");
    assertThat(refusal("--kubeconfig", kc.toString(), "-n", "ci", "--file", kc.toString()))
        .contains("kubectl apply");
  }

  @Test
  void badScopesAreReportedAsTheOptionsGiven() throws Exception {
    Path kc = Files.writeString(dir.resolve("kc"), "apiVersion: v1\nkind: Config\n");
    assertThat(refusal("--kubeconfig", kc.toString(), "--namespace", "Bad_NS"))
        .startsWith("pitstop up: --namespace");
    assertThat(refusal("--kubeconfig", kc.toString(), "--selector", "a in (b)"))
        .startsWith("pitstop up: --selector");
  }

  @Test
  void aBadLogFormatOrLevelOrManagementPortIsRefusedAsTheOptionGiven() throws Exception {
    assertThat(refusal("--log-format", "yaml"))
        .startsWith("pitstop up: --log-format=yaml is neither text nor json");
    assertThat(refusal("--log-level", "LOUD")).startsWith("pitstop up: --log-level=LOUD");
    assertThat(refusal("--management-port", "70000"))
        .contains("--management-port 70000: not a port");
  }

  private static String refusal(String... args) throws Exception {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs(args);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        up.run(
            new CountDownLatch(1),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8);
  }
}
