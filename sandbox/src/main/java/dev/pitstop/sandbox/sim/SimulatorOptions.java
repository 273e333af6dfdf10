package dev.pitstop.sandbox.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the simulator runs.
 *
 * @param stepDuration how long each step's command runs (default 300 ms); the Pod takes a third of
 *     it to start
 * @param fail the steps that fail, see {@link FailSpec}
 * @param results result values by {@code TASK/RESULT} (TASK as in {@link FailSpec}); a result not
 *     named here gets the placeholder {@code simulated-<result>}
 * @param truncateTimesToSeconds true to write every status time at second precision as a real API
 *     server stores {@code metav1.Time}; false (default) keeps sub-second RFC 3339 times so that
 *     fast simulated steps stay ordered
 * @param namespace the namespace of applied objects that name none (default {@code default})
 * @param tick the period of the simulation loop (default 25 ms)
 * @param podRetention how long a finished TaskRun's Pod is kept before it is deleted (default 30 s;
 *     Tekton keeps them, the sandbox deletes them to keep its store small)
 * @param specificFailureReasons true to report step failures as {@code StepFailed} (Tekton
 *     v1.12.0+); false (default) as {@code Failed}
 * @param enableApiFields the {@code enable-api-fields} feature flag of the Tekton the sandbox
 *     installs (ConfigMap {@code tekton-pipelines/feature-flags}, created by {@link
 *     TektonSimulator#start} when absent): {@code alpha} (the sandbox's default, so that {@code
 *     spec.debug} works), {@code beta} (Tekton's own default: {@code spec.debug} is rejected) or
 *     {@code stable}
 */
public record SimulatorOptions(
    Duration stepDuration,
    List<FailSpec> fail,
    Map<String, String> results,
    boolean truncateTimesToSeconds,
    String namespace,
    Duration tick,
    Duration podRetention,
    boolean specificFailureReasons,
    String enableApiFields) {

  public SimulatorOptions {
    Objects.requireNonNull(stepDuration, "stepDuration");
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(podRetention, "podRetention");
    if (stepDuration.isNegative() || tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("stepDuration must be >= 0 and tick > 0");
    }
    fail = List.copyOf(fail == null ? List.of() : fail);
    results = Map.copyOf(results == null ? Map.of() : results);
    namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
    enableApiFields =
        enableApiFields == null || enableApiFields.isBlank() ? "alpha" : enableApiFields;
  }

  /** The defaults: 300 ms steps, nothing fails, sub-second times, namespace {@code default}. */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions(
        Duration.ofMillis(300),
        List.of(),
        Map.of(),
        false,
        "default",
        Duration.ofMillis(25),
        Duration.ofSeconds(30),
        false,
        "alpha");
  }

  public SimulatorOptions withStepDuration(Duration d) {
    return new SimulatorOptions(
        d,
        fail,
        results,
        truncateTimesToSeconds,
        namespace,
        tick,
        podRetention,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withFail(List<FailSpec> f) {
    return new SimulatorOptions(
        stepDuration,
        f,
        results,
        truncateTimesToSeconds,
        namespace,
        tick,
        podRetention,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withResults(Map<String, String> r) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        r,
        truncateTimesToSeconds,
        namespace,
        tick,
        podRetention,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withTruncateTimesToSeconds(boolean t) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        results,
        t,
        namespace,
        tick,
        podRetention,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withNamespace(String ns) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        results,
        truncateTimesToSeconds,
        ns,
        tick,
        podRetention,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withPodRetention(Duration d) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        results,
        truncateTimesToSeconds,
        namespace,
        tick,
        d,
        specificFailureReasons,
        enableApiFields);
  }

  public SimulatorOptions withSpecificFailureReasons(boolean s) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        results,
        truncateTimesToSeconds,
        namespace,
        tick,
        podRetention,
        s,
        enableApiFields);
  }

  /**
   * Sets the {@code enable-api-fields} value of the {@code tekton-pipelines/feature-flags}
   * ConfigMap that {@link TektonSimulator#start} installs when none exists.
   */
  public SimulatorOptions withEnableApiFields(String value) {
    return new SimulatorOptions(
        stepDuration,
        fail,
        results,
        truncateTimesToSeconds,
        namespace,
        tick,
        podRetention,
        specificFailureReasons,
        value);
  }

  /**
   * Parses {@code TASK/RESULT=VALUE} entries (as given to {@code --result}) into the map this
   * record takes.
   *
   * @throws IllegalArgumentException when an entry does not have that shape
   */
  public static Map<String, String> parseResults(List<String> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : entries) {
      int slash = e.indexOf('/');
      int eq = e.indexOf('=');
      if (slash <= 0 || eq < slash + 2) {
        throw new IllegalArgumentException("result \"" + e + "\" is not TASK/RESULT=VALUE");
      }
      out.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return out;
  }
}
