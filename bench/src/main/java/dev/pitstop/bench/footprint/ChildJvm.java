package dev.pitstop.bench.footprint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's {@code main} in a JVM of its own (on its container image's classpath, or this JVM's),
 * so its heap is measured without the bench's broker, sandbox and clients in it. Its output goes to
 * a log file; {@link #histogram()} asks {@code jcmd} for a live-object class histogram (a full GC
 * first).
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final long startedNanos;

  private ChildJvm(Process process, Path log, long startedNanos) {
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts {@code mainClass} with {@code env} added to this process's environment.
   *
   * @param jvmArgs e.g. {@code -Xmx512m}; more come from the system property {@code
   *     pitstop.bench.child.jvm} (space separated, e.g. JFR's {@code
   *     -XX:StartFlightRecording=filename=engine.jfr})
   * @param log where its stdout and stderr go (appended)
   */
  public static ChildJvm start(
      String mainClass, List<String> jvmArgs, Map<String, String> env, Path log)
      throws IOException {
    return start(System.getProperty("java.class.path"), mainClass, jvmArgs, env, log);
  }

  /** Starts {@code mainClass} on {@code classpath}. */
  public static ChildJvm start(
      String classpath, String mainClass, List<String> jvmArgs, Map<String, String> env, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    String extra = System.getProperty("pitstop.bench.child.jvm", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Files.createDirectories(log.toAbsolutePath().getParent());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    long t0 = System.nanoTime();
    return new ChildJvm(pb.start(), log, t0);
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  /** CPU time (user + system, all its threads) the JVM has used so far; zero when unknown. */
  public java.time.Duration cpuTime() {
    return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The live heap after a full GC, by class ({@code jcmd <pid> GC.class_histogram}). */
  public HeapHistogram histogram() throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(jcmd.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder b = new StringBuilder();
      String line;
      while ((line = r.readLine()) != null) {
        b.append(line).append('\n');
      }
      out = b.toString();
    }
    if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
      throw new IOException("jcmd GC.class_histogram " + process.pid() + " took over 60 s");
    }
    return HeapHistogram.parse(out);
  }

  /**
   * Stops it as a container runtime would (SIGTERM: the service's orderly stop), forcibly after
   * {@code grace}.
   *
   * @return the exit code
   */
  public int stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  /**
   * Waits for it to exit by itself, forcibly stopping it after {@code limit}.
   *
   * @return the exit code
   * @throws IllegalStateException when it did not exit within {@code limit}
   */
  public int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      throw new IllegalStateException(
          "did not exit within " + limit + "; its log ends:\n" + tail(30));
    }
    return process.exitValue();
  }

  /** The last lines of its log, for an error message. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e + ")";
    }
  }

  /** Writes a marker line into its log (e.g. which phase begins). */
  public void mark(String text) {
    try (PrintWriter w =
        new PrintWriter(
            Files.newBufferedWriter(
                log,
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND,
                StandardOpenOption.CREATE))) {
      w.println("---- bench: " + text);
    } catch (IOException ignored) {
      // a marker is a convenience only
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
