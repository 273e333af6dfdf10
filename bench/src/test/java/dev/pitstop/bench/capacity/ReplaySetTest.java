package dev.pitstop.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.kafka.EventRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ReplaySetTest {
  @Test
  void aCopyHasFreshUidsIdsAndPartitionKeyAndIsOtherwiseTheSameEvent() {
    EventFactory f = new EventFactory("sandbox", "watcher");
    PitstopEvent e =
        f.create(
            EventType.TASKRUN_FINISHED,
            SampleEvents.data().get(EventType.TASKRUN_FINISHED),
            Instant.parse("2026-11-21T09:00:00Z"));

    PitstopEvent c = ReplaySet.copy(e, 7);

    RunFinished d = c.data(RunFinished.class);
    assertThat(d.run().uid()).isNotEqualTo(e.data().run().uid());
    assertThat(d.run().pipelineRunUid()).isNotEqualTo(e.data().run().pipelineRunUid());
    assertThat(c.partitionKey()).isEqualTo(d.run().pipelineRunUid());
    assertThat(c.id()).isNotEqualTo(e.id()).isEqualTo(EventFactory.idOf(c.type(), d));
    assertThat(d.run().name()).isEqualTo(e.data().run().name());
    assertThat(d.reason()).isEqualTo(e.data(RunFinished.class).reason());
    assertThat(c.time()).isEqualTo(e.time());
    assertThat(ReplaySet.copy(e, 7)).isEqualTo(c); // deterministic
    assertThat(ReplaySet.copy(e, 8).id()).isNotEqualTo(c.id());
    assertThat(ReplaySet.copy(e, 0)).isEqualTo(e);
  }

  @Test
  void theEncodedCopyIsTheCopyAsTheEventsModuleWritesIt() throws Exception {
    EventFactory f = new EventFactory("sandbox", "watcher");
    for (EventType type : Recordings.ONE_RUN) {
      PitstopEvent e = f.create(type, SampleEvents.data().get(type), Instant.now());
      ReplaySet.Source src = new ReplaySet.Source(e, ReplaySet.encode(e));
      for (int c : new int[] {0, 1, 42}) {
        ReplaySet.Encoded enc = src.encodedCopy(c);
        PitstopEvent decoded = EventRecords.decode(new RecordHeaders(enc.headers()), enc.value());
        assertThat(decoded).as(type + " copy " + c).isEqualTo(ReplaySet.copy(e, c));
        assertThat(new String(enc.key(), StandardCharsets.UTF_8)).isEqualTo(decoded.partitionKey());
      }
    }
  }

  @Test
  void copiesOfSequentialUidsNeverCollide() {
    // The sandbox's UIDs are sequential; every copy of every one must stay distinct, or copies
    // share event ids and are dropped as repeats.
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int u = 1; u <= 64; u++) {
      String uid = String.format("00000000-0000-0000-0000-%012x", u);
      for (int c = 0; c < 1_100; c++) {
        String copy = c == 0 ? uid : ReplaySet.uidOf(uid, c);
        assertThat(seen.add(copy)).as("copy %d of %s", c, uid).isTrue();
      }
    }
  }

  @Test
  void aNonUuidUidIsSuffixed() {
    assertThat(ReplaySet.uidOf("abc", 3)).isEqualTo("abc-3");
  }
}
