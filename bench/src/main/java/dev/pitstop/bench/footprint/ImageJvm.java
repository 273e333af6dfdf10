package dev.pitstop.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service image's JVM as its Dockerfile states it, for running the service the same way outside
 * Docker: the ENTRYPOINT's JVM options, and the RUN that trains its class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}) if it has one. Paths under {@code /app/} naming the archive
 * and {@code /tmp} are moved to the caller's; the classpath and logging options are left to the
 * caller (which runs the image's classpath from the build tree).
 *
 * @param options the ENTRYPOINT's options between {@code java} and {@code -cp}, without {@code
 *     -Dlogback.configurationFile}
 * @param trainingOptions the training run's options, likewise; empty when the image has none
 * @param trainingMain the training run's main class; null when the image has none
 * @param archive where the archive is written and read (the caller's path)
 */
public record ImageJvm(
    List<String> options, List<String> trainingOptions, String trainingMain, Path archive) {
  private static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";

  /** True when the image trains and maps a class-data-sharing archive. */
  public boolean sharesClasses() {
    return trainingMain != null && options.stream().anyMatch(o -> o.startsWith(ARCHIVE_OPTION));
  }

  /** {@link #options} without the archive: the same JVM, loading every class from the jars. */
  public List<String> optionsWithoutArchive() {
    return options.stream().filter(o -> !o.startsWith(ARCHIVE_OPTION)).toList();
  }

  /**
   * @param dockerfile e.g. {@code breakpoint-engine/Dockerfile}
   * @param archive the caller's path for the image's {@code /app/*.jsa}
   * @param tmp the caller's directory for the image's {@code /tmp}
   */
  public static ImageJvm read(Path dockerfile, Path archive, Path tmp) throws IOException {
    String text = Files.readString(dockerfile).replace("\\\n", " ");
    Matcher entry = Pattern.compile("(?s)ENTRYPOINT \\[(.*?)\\]\\s*$").matcher(text);
    if (!entry.find()) {
      throw new IllegalArgumentException(dockerfile + " has no ENTRYPOINT in exec form");
    }
    List<String> words = new ArrayList<>();
    Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(entry.group(1));
    while (q.find()) {
      words.add(q.group(1));
    }
    List<String> options = jvmOptions(words, archive, tmp);
    List<String> trainingOptions = List.of();
    String trainingMain = null;
    Matcher run = Pattern.compile("(?m)^RUN (java .*ArchiveClassesAtExit.*)$").matcher(text);
    if (run.find()) {
      List<String> t = new ArrayList<>();
      for (String w : run.group(1).trim().split("\\s+")) {
        if (w.equals("&&")) {
          break;
        }
        t.add(w.replace("'", ""));
      }
      trainingOptions = jvmOptions(t, archive, tmp);
      trainingMain = t.get(t.indexOf("-cp") + 2);
    }
    return new ImageJvm(options, trainingOptions, trainingMain, archive);
  }

  private static List<String> jvmOptions(List<String> cmd, Path archive, Path tmp) {
    List<String> out = new ArrayList<>();
    for (String w : cmd.subList(1, cmd.indexOf("-cp"))) {
      if (w.startsWith("-Dlogback.configurationFile=")) {
        continue;
      }
      // /tmp first: the caller's archive may well be under /tmp itself.
      out.add(
          w.replace("/tmp", tmp.toString())
              .replaceAll(
                  "/app/[\\w.-]+\\.jsa",
                  java.util.regex.Matcher.quoteReplacement(archive.toString())));
    }
    return out;
  }
}
