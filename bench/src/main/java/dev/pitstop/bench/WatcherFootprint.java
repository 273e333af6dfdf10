package dev.pitstop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.bench.footprint.WatcherHeap;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The watcher's live heap after GC per live Tekton Pod (target: &le; 20 KB), measured by {@link
 * WatcherHeap} with the watcher in its own JVM: 200 live Pods with their TaskRuns (50 with {@code
 * --smoke}), after {@value #WARM} warm-up ones.
 */
final class WatcherFootprint {
  /** The target of issue #7: heap per live Tekton Pod, bytes. */
  static final long TARGET_BYTES = 20 * 1024;

  /**
   * Warm-up Pods before the baseline: more than the JDK's reflection inflation threshold (15 calls,
   * after which it generates accessor classes), so that one-time growth such as those classes and
   * Jackson's caches is not counted per Pod.
   */
  static final int WARM = 20;

  static final int PODS = 200;
  static final int SMOKE_PODS = 50;

  private WatcherFootprint() {}

  /**
   * @return a part named {@code watcher}
   */
  static BenchPart measure(BenchOptions options, PrintStream out) throws Exception {
    int m = options.smoke() ? SMOKE_PODS : PODS;
    return part(WatcherHeap.measure(WARM, m, Duration.ofSeconds(60), out));
  }

  static BenchPart part(WatcherHeap.Result r) {
    return new BenchPart() {
      @Override
      public String name() {
        return "watcher";
      }

      @Override
      public void print(PrintStream o) {
        o.println(
            "== watcher footprint: live heap after GC per live Tekton Pod (with its TaskRun)");
        o.printf(
            "  live Pods %d (seen %d Pods, %d TaskRuns)%n",
            r.livePods(), r.seenPods(), r.seenTaskRuns());
        o.printf(
            "  heap per Pod %.1f KB   target <= %d KB   %s%n",
            r.bytesPerPod() / 1024,
            TARGET_BYTES / 1024,
            r.bytesPerPod() <= TARGET_BYTES ? "met" : "MISSED");
        o.printf(
            "  raw: the objects as JSON, Pod %.1f KB + TaskRun %.1f KB = %.1f KB; heap/JSON %.2f%n",
            r.podJsonBytes() / 1024.0,
            r.taskRunJsonBytes() / 1024.0,
            (r.podJsonBytes() + r.taskRunJsonBytes()) / 1024.0,
            r.bytesPerPod() / (r.podJsonBytes() + r.taskRunJsonBytes()));
        o.printf(
            "  heap: %,d bytes with warm-up Pods, %,d with %d more%n",
            r.baselineBytes(), r.loadedBytes(), r.livePods());
        o.println("  top classes by growth, per Pod:");
        for (WatcherHeap.ClassDelta c : r.top()) {
          o.printf(
              "    %8.1f KB %7.1f objects  %s%n",
              c.bytes() / 1024.0 / r.livePods(),
              (double) c.instances() / r.livePods(),
              c.className());
        }
        if (!r.allSeen()) {
          o.println("  FAILED: the watcher did not report every Pod and TaskRun");
        }
      }

      @Override
      public JsonNode json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode n = mapper.createObjectNode();
        n.put("live_pods", r.livePods());
        n.put("seen_pods", r.seenPods());
        n.put("seen_taskruns", r.seenTaskRuns());
        n.put("heap_per_pod_bytes", Math.round(r.bytesPerPod()));
        n.put("target_per_pod_bytes", TARGET_BYTES);
        n.put("heap_baseline_bytes", r.baselineBytes());
        n.put("heap_loaded_bytes", r.loadedBytes());
        n.put("pod_json_bytes", r.podJsonBytes());
        n.put("taskrun_json_bytes", r.taskRunJsonBytes());
        ArrayNode top = n.putArray("top_classes");
        for (WatcherHeap.ClassDelta c : r.top()) {
          top.addObject()
              .put("class", c.className())
              .put("instances", c.instances())
              .put("bytes", c.bytes())
              .put("bytes_per_pod", c.bytes() / r.livePods());
        }
        return n;
      }

      @Override
      public boolean failed() {
        return !r.allSeen();
      }
    };
  }
}
