package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class RunViewTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static TaskRun tr(String name, String uid, String rv, String label) {
    TaskRun tr = new TaskRun();
    tr.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName(name)
            .withUid(uid)
            .withResourceVersion(rv)
            .addToLabels("v", label)
            .build());
    return tr;
  }

  private static RunView<TaskRun> view() {
    return new RunView<>(JSON::clone);
  }

  @Test
  void aLateWatchEventDoesNotHideANewerWrite() {
    RunView<TaskRun> v = view();
    v.onAdd(tr("a", "u1", "5", "listed"));
    v.offer(tr("a", "u1", "9", "written"));
    v.onUpdate(tr("a", "u1", "5", "listed"), tr("a", "u1", "7", "late event"));
    assertThat(v.snapshot())
        .singleElement()
        .satisfies(t -> assertThat(t.getMetadata().getLabels()).containsEntry("v", "written"));
    v.onUpdate(tr("a", "u1", "9", "written"), tr("a", "u1", "12", "someone else"));
    assertThat(v.snapshot().get(0).getMetadata().getLabels()).containsEntry("v", "someone else");
  }

  @Test
  void aDeletedRunIsNotBroughtBackByAWriteAnsweredAfterTheDelete() {
    RunView<TaskRun> v = view();
    v.onAdd(tr("a", "u1", "5", "x"));
    v.onDelete(tr("a", "u1", "6", "x"), false);
    v.offer(tr("a", "u1", "5", "answered late"));
    assertThat(v.snapshot()).isEmpty();
    // The same name created again (a new uid) is a new run.
    v.onAdd(tr("a", "u2", "8", "again"));
    assertThat(v.snapshot()).extracting(t -> t.getMetadata().getUid()).containsExactly("u2");
  }

  @Test
  void aDeleteOfAnOlderUidLeavesTheNewRunOfThatName() {
    RunView<TaskRun> v = view();
    v.offer(tr("a", "u2", "8", "new"));
    v.onDelete(tr("a", "u1", "6", "old"), true);
    assertThat(v.snapshot()).extracting(t -> t.getMetadata().getUid()).containsExactly("u2");
  }

  @Test
  void informerObjectsAreCopiedSoTheCoreCanSetStatusesOnThem() {
    RunView<TaskRun> v = view();
    TaskRun cached = tr("a", "u1", "5", "cached");
    v.onAdd(cached);
    v.snapshot().get(0).getMetadata().getLabels().put("v", "changed by a tick");
    assertThat(cached.getMetadata().getLabels()).containsEntry("v", "cached");
  }

  @Test
  void keepsTheOrderRunsWereFirstSeenIn() {
    RunView<TaskRun> v = view();
    v.onAdd(tr("b", "u1", "1", "x"));
    v.onAdd(tr("a", "u2", "2", "x"));
    v.onUpdate(tr("b", "u1", "1", "x"), tr("b", "u1", "3", "y"));
    assertThat(v.snapshot()).extracting(t -> t.getMetadata().getName()).containsExactly("b", "a");
  }
}
