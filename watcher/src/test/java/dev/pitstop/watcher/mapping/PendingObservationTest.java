package dev.pitstop.watcher.mapping;

import static dev.pitstop.watcher.mapping.Runs.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A TaskRun created {@code TaskRunPending} (a Pitstop hold) is observed as pending, once. */
class PendingObservationTest {
  private final ObservationMapper mapper = Runs.mapper();

  private static TaskRun pending() {
    TaskRun tr = Runs.taskRun("build-deploy", "uid-h");
    tr.getMetadata().setCreationTimestamp("2026-11-21T09:00:05Z");
    tr.getMetadata().setAnnotations(Map.of("pitstop.dev/held-by", "beforeTasks:deploy"));
    tr.getSpec().status = TaskRunSpec.STATUS_PENDING;
    return tr;
  }

  @Test
  void aPendingTaskRunIsObservedAtItsCreationWithTektonsMessage() {
    TaskRun tr = pending();
    tr.getStatus()
        .conditions
        .add(
            condition(
                "Unknown",
                "TaskRunPending",
                "TaskRun \"build-deploy\" is pending",
                "2026-11-21T09:00:05Z"));
    List<PitstopEvent> events = mapper.taskRun(null, tr);
    assertThat(events).extracting(PitstopEvent::type).containsExactly(EventType.TASKRUN_PENDING);
    RunPending p = events.get(0).data(RunPending.class);
    assertThat(p.createdAt()).isEqualTo(Instant.parse("2026-11-21T09:00:05Z"));
    assertThat(p.message()).isEqualTo("TaskRun \"build-deploy\" is pending");
    assertThat(p.run().annotations()).containsEntry("pitstop.dev/held-by", "beforeTasks:deploy");
    assertThat(mapper.taskRun(tr, Serialization.clone(tr))).isEmpty();
  }

  @Test
  void releasedItStartsAndIsNotPendingAgain() {
    TaskRun before = pending();
    TaskRun after = Serialization.clone(before);
    after.getSpec().status = null;
    after.getStatus().startTime = "2026-11-21T09:01:00Z";
    assertThat(mapper.taskRun(before, after))
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.TASKRUN_STARTED);
    assertThat(mapper.taskRunObservations(Runs.taskRun("plain", "u"))).isEmpty();
  }
}
