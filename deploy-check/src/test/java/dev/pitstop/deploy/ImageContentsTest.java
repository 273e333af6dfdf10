package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What each image holds, without Docker: the module's jar and target/image (filled at package time
 * by the parent pom's container-image profile), run the way the Dockerfile's ENTRYPOINT runs them.
 * With no environment the service must load its Main and logging backend and stop with its
 * configuration error (exit 2), which proves the classpath is complete. Skipped when the modules
 * were not packaged ({@code ./mvnw test}).
 */
class ImageContentsTest {
  private static final Path ROOT = PitstopService.Repo.root();

  @ParameterizedTest
  @EnumSource(PitstopService.class)
  void theImagesClasspathStartsTheServiceUpToItsConfiguration(PitstopService s)
      throws IOException, InterruptedException {
    Path target = ROOT.resolve(s.module).resolve("target");
    Path image = target.resolve("image");
    Assumptions.assumeTrue(
        Files.isDirectory(image.resolve("lib")), s.module + " is not packaged: no target/image");
    Path jar;
    try (Stream<Path> jars = Files.list(target)) {
      jar =
          jars.filter(p -> p.getFileName().toString().matches("pitstop-" + s.module + "-.*\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    String dockerfile = Files.readString(ROOT.resolve(s.module).resolve("Dockerfile"));
    Matcher main = Pattern.compile("\"(dev\\.pitstop\\.[\\w.]+\\.Main)\"\\]").matcher(dockerfile);
    assertThat(main.find()).isTrue();
    assertThat(dockerfile).contains("-Dlogback.configurationFile=/app/logback.xml");
    assertThat(image.resolve("logback.xml")).exists();

    String javaBin = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            javaBin,
            "-XX:-UsePerfData",
            "-Dlogback.configurationFile=" + image.resolve("logback.xml"),
            "-cp",
            image.resolve("lib") + "/*" + java.io.File.pathSeparator + jar,
            main.group(1));
    pb.environment().clear();
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains(s.module + ": bad configuration: ");
    assertThat(out)
        .as("a logging backend is on the classpath")
        .doesNotContain("No SLF4J providers");
    List<String> logback = List.of("logback-classic", "logback-core");
    try (Stream<Path> libs = Files.list(image.resolve("lib"))) {
      assertThat(libs.map(l -> l.getFileName().toString()))
          .anySatisfy(n -> assertThat(n).startsWith(logback.get(0)))
          .anySatisfy(n -> assertThat(n).startsWith(logback.get(1)));
    }
  }
}
