package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine image's class-data-sharing archive (issue #7, recovery time), without Docker: /app is
 * assembled as the Dockerfile's COPY lines do (target/image, the module's jar in lib/), its RUN
 * training command is run with plain {@code java} (paths under /app and /tmp moved to a temporary
 * directory), then its ENTRYPOINT's JVM options with {@code -Xshare:on}, which refuses to start
 * unless the archive maps: the engine's Main must come from the archive and stop at its
 * configuration error (exit 2). Skipped when the module was not packaged.
 */
class EngineClassSharingTest {
  private static final Path MODULE = PitstopService.Repo.root().resolve("breakpoint-engine");

  @Test
  void theImagesTrainingRunWritesAnArchiveItsEntrypointMaps(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path target = MODULE.resolve("target");
    Path image = target.resolve("image");
    Assumptions.assumeTrue(
        Files.isDirectory(image.resolve("lib")), "breakpoint-engine is not packaged");
    String dockerfile = Files.readString(MODULE.resolve("Dockerfile"));
    List<String> training = trainingCommand(dockerfile);
    List<String> entrypoint = entrypoint(dockerfile);
    assertThat(training).contains("-XX:ArchiveClassesAtExit=/app/engine.jsa");
    assertThat(entrypoint).contains("-XX:SharedArchiveFile=/app/engine.jsa");
    assertThat(classpath(training)).as("one classpath for both").isEqualTo(classpath(entrypoint));

    Path app = dir.resolve("app");
    Files.createDirectories(app.resolve("lib"));
    try (Stream<Path> libs = Files.list(image.resolve("lib"));
        Stream<Path> jars = Files.list(target)) {
      for (Path p : (Iterable<Path>) libs::iterator) {
        Files.copy(p, app.resolve("lib").resolve(p.getFileName()));
      }
      Path jar =
          jars.filter(p -> p.getFileName().toString().matches("pitstop-breakpoint-engine-.*\\.jar"))
              .findFirst()
              .orElseThrow();
      Files.copy(jar, app.resolve("lib").resolve(jar.getFileName()));
    }
    Files.copy(
        image.resolve("logback.xml"),
        app.resolve("logback.xml"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(dir.resolve("tmp"));

    Run trained = run(moved(training, dir), 300);
    assertThat(trained.exit()).as(trained.out()).isZero();
    assertThat(trained.out()).contains("start-up training done");
    assertThat(app.resolve("engine.jsa")).isNotEmptyFile();

    List<String> cmd = new ArrayList<>(moved(entrypoint, dir));
    cmd.addAll(1, List.of("-Xshare:on", "-Xlog:class+load=info"));
    Run started = run(cmd, 120);
    assertThat(started.exit()).as(started.out()).isEqualTo(2);
    assertThat(started.out())
        .contains("breakpoint-engine: bad configuration: ")
        .contains("dev.pitstop.engine.Main source: shared objects file (top)")
        .contains("dev.pitstop.engine.EngineConfig source: shared objects file (top)");
    long fromArchive =
        started.out().lines().filter(l -> l.contains("source: shared objects file (top)")).count();
    assertThat(fromArchive).as("classes mapped from the image's archive").isGreaterThan(1_000);
  }

  /** The RUN instruction that writes the archive, as the shell would split it (no globbing). */
  static List<String> trainingCommand(String dockerfile) {
    String joined = dockerfile.replace("\\\n", " ");
    Matcher m = Pattern.compile("(?m)^RUN (java .*ArchiveClassesAtExit.*)$").matcher(joined);
    assertThat(m.find()).as("a RUN writing the archive").isTrue();
    List<String> words = new ArrayList<>();
    for (String w : m.group(1).trim().split("\\s+")) {
      if (w.equals("&&")) {
        break;
      }
      words.add(w.replace("'", ""));
    }
    return words;
  }

  /** The ENTRYPOINT's exec form. */
  static List<String> entrypoint(String dockerfile) {
    Matcher m =
        Pattern.compile("(?s)ENTRYPOINT \\[(.*?)\\]\\s*$").matcher(dockerfile.replace("\\\n", " "));
    assertThat(m.find()).as("an ENTRYPOINT in exec form").isTrue();
    List<String> words = new ArrayList<>();
    Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
    while (q.find()) {
      words.add(q.group(1));
    }
    return words;
  }

  private static String classpath(List<String> cmd) {
    return cmd.get(cmd.indexOf("-cp") + 1);
  }

  /** The command with /app and /tmp moved under {@code dir}, java from this JVM's JDK. */
  private static List<String> moved(List<String> cmd, Path dir) {
    List<String> out = new ArrayList<>();
    out.add(ProcessHandle.current().info().command().orElse("java"));
    for (String w : cmd.subList(1, cmd.size())) {
      // /tmp first: dir is likely under /tmp itself.
      out.add(w.replace("/tmp", dir + "/tmp").replace("/app/", dir + "/app/"));
    }
    return out;
  }

  private record Run(int exit, String out) {}

  private static Run run(List<String> cmd, int seconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().clear();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    return new Run(p.exitValue(), out);
  }
}
