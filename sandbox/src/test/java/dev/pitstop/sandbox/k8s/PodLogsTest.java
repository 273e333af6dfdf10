package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PodLogsTest {

  private static final Instant T = Instant.parse("2026-11-21T09:00:00Z");

  private final PodLogs logs = new PodLogs();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final PodLogs.Follower follower =
      new PodLogs.Follower() {
        @Override
        public void line(LogLine line) {
          received.add(line.text());
        }

        @Override
        public void end() {
          received.add("<end>");
        }
      };

  @Test
  void followerGetsASnapshotThenEveryLaterLineThenTheEnd() {
    logs.append("ns", "p", "c", T, "before");
    PodLogs.Snapshot snapshot = logs.follow("ns", "p", "c", follower);
    logs.append("ns", "p", "c", T, "after\n");
    logs.append("ns", "p", "other", T, "elsewhere");
    logs.close("ns", "p", "c");
    logs.append("ns", "p", "c", T, "ignored");

    assertThat(snapshot.lines()).extracting(LogLine::text).containsExactly("before");
    assertThat(snapshot.closed()).isFalse();
    assertThat(received).containsExactly("after", "<end>");
    assertThat(logs.lines("ns", "p", "c"))
        .extracting(LogLine::text)
        .containsExactly("before", "after");
    assertThat(logs.isClosed("ns", "p", "c")).isTrue();
  }

  @Test
  void appendListenersAreToldOfEveryLineKeptAndNotOfIgnoredOnes() {
    List<String> told = new CopyOnWriteArrayList<>();
    logs.onAppend((ns, pod, container, line) -> told.add(container + ":" + line.text()));
    logs.append("ns", "p", "c", T, "one\ntwo");
    logs.close("ns", "p", "c");
    logs.append("ns", "p", "c", T, "ignored");

    assertThat(told).containsExactly("c:one", "c:two");
  }

  @Test
  void multiLineTextBecomesSeveralLines() {
    logs.append("ns", "p", "c", T, "one\ntwo\n");
    assertThat(logs.lines("ns", "p", "c")).extracting(LogLine::text).containsExactly("one", "two");
  }

  @Test
  void deletingAPodDropsItsLogsAndEndsFollowers() {
    logs.append("ns", "p", "c", T, "x");
    logs.append("ns", "q", "c", T, "y");
    logs.follow("ns", "p", "c", follower);
    assertThat(logs.pods("ns")).containsExactly("p", "q");

    logs.deletePod("ns", "p");

    assertThat(received).containsExactly("<end>");
    assertThat(logs.lines("ns", "p", "c")).isEmpty();
    assertThat(logs.pods("ns")).containsExactly("q");
  }

  @Test
  void followingAClosedLogReturnsItAsClosedWithoutSubscribing() {
    logs.append("ns", "p", "c", T, "done");
    logs.close("ns", "p", "c");
    PodLogs.Snapshot snapshot = logs.follow("ns", "p", "c", follower);
    assertThat(snapshot.closed()).isTrue();
    assertThat(snapshot.lines()).hasSize(1);
    assertThat(received).isEmpty();
  }
}
