package dev.pitstop.watcher.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized property: however an informer samples a TaskRun's life (any prefix, any skipped
 * intermediate states), the observations emitted incrementally have exactly the ids a relist of the
 * last state yields, and none twice.
 */
class ObservationMapperPropertyTest {
  private static final long SEED = 20261121L;
  private static final int CASES = 500;
  private final ObservationMapper mapper = Runs.mapper();

  @Test
  void incrementalObservationsOfAnySampledHistoryEqualARelistOfItsLastState() {
    Random random = new Random(SEED);
    for (int c = 0; c < CASES; c++) {
      long caseSeed = random.nextLong();
      List<TaskRun> history = history(new Random(caseSeed));
      Random pick = new Random(caseSeed ^ 0x5eed);
      int prefix = 1 + pick.nextInt(history.size());
      List<TaskRun> seen = new ArrayList<>();
      for (int i = 0; i < prefix; i++) {
        if (i == prefix - 1 || pick.nextInt(10) < 6) {
          seen.add(history.get(i));
        }
      }

      List<String> incremental = new ArrayList<>();
      TaskRun old = null;
      for (TaskRun tr : seen) {
        mapper.taskRun(old, tr).forEach(e -> incremental.add(e.id()));
        old = tr;
      }
      Set<String> relist = new HashSet<>();
      mapper.taskRun(null, old).forEach(e -> relist.add(e.id()));

      assertThat(new HashSet<>(incremental))
          .as("case seed %d, %d of %d states", caseSeed, seen.size(), history.size())
          .isEqualTo(relist);
      assertThat(incremental).as("case seed %d: no id twice", caseSeed).doesNotHaveDuplicates();
    }
  }

  @Test
  void everyHistoryEndsWithItsRunFinishedOncePerAttempt() {
    Random random = new Random(SEED);
    for (int c = 0; c < 50; c++) {
      List<TaskRun> history = history(new Random(random.nextLong()));
      TaskRun last = history.get(history.size() - 1);
      long finished =
          mapper.taskRun(null, last).stream()
              .map(PitstopEvent::type)
              .filter(t -> t == dev.pitstop.events.EventType.TASKRUN_FINISHED)
              .count();
      assertThat(finished).isEqualTo(last.getStatus().retriesStatus.size() + 1L);
    }
  }

  /** A TaskRun's life as Tekton writes it: attempts, steps one after another, retries. */
  static List<TaskRun> history(Random r) {
    int stepCount = 1 + r.nextInt(4);
    int attempts = 1 + r.nextInt(3);
    List<TaskRun> out = new ArrayList<>();
    TaskRun tr = Runs.taskRun("t", "uid-" + r.nextInt(1000));
    out.add(Serialization.clone(tr));
    long base = Instant.parse("2026-11-21T09:00:00Z").getEpochSecond();
    for (int a = 0; a < attempts; a++) {
      long t = base + a * 1000L;
      TaskRunStatus s = tr.getStatus();
      s.startTime = time(t);
      s.podName = a == 0 ? "t-pod" : "t-pod-retry" + a;
      s.conditions = new ArrayList<>(List.of(Runs.condition("Unknown", "Running", "m", time(t))));
      snapshot(out, tr, r);
      List<StepState> steps = new ArrayList<>();
      for (int i = 0; i < stepCount; i++) {
        steps.add(Runs.running("s" + i, time(t + 1)));
      }
      s.steps = steps;
      snapshot(out, tr, r);
      boolean failed = false;
      long now = t + 1;
      for (int i = 0; i < stepCount; i++) {
        long start = now;
        now += 1 + r.nextInt(3);
        if (failed) {
          steps.set(i, Runs.terminated("s" + i, 1, "Skipped", time(start), time(start)));
          now = start;
        } else {
          int outcome = r.nextInt(5);
          if (outcome == 0) {
            steps.set(i, Runs.terminated("s" + i, 1, "Error", time(start), time(now)));
            failed = true;
          } else if (outcome == 1) {
            steps.set(i, Runs.terminated("s" + i, 1, "Continued", time(start), time(now)));
          } else {
            steps.set(i, Runs.terminated("s" + i, 0, "Completed", time(start), time(now)));
          }
        }
        s.steps = new ArrayList<>(steps);
        snapshot(out, tr, r);
      }
      now++;
      String status = failed ? "False" : "True";
      s.conditions =
          new ArrayList<>(
              List.of(Runs.condition(status, failed ? "Failed" : "Succeeded", "m", time(now))));
      s.completionTime = time(now);
      boolean retry = failed && a < attempts - 1;
      if (!retry) {
        snapshot(out, tr, r);
        return out;
      }
      if (r.nextBoolean()) {
        snapshot(out, tr, r); // the informer saw the failed attempt before the retry
      }
      TaskRunStatus previous = Serialization.clone(tr).getStatus();
      previous.retriesStatus = new ArrayList<>();
      s.retriesStatus.add(previous);
      s.startTime = null;
      s.completionTime = null;
      s.podName = "";
      s.conditions =
          new ArrayList<>(List.of(Runs.condition("Unknown", "ToBeRetried", "m", time(now))));
      snapshot(out, tr, r); // steps still those of the failed attempt
    }
    return out;
  }

  private static void snapshot(List<TaskRun> out, TaskRun tr, Random r) {
    TaskRun copy = Serialization.clone(tr);
    copy.getMetadata().setResourceVersion(Integer.toString(out.size() + 1));
    out.add(copy);
  }

  private static String time(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond).toString();
  }
}
