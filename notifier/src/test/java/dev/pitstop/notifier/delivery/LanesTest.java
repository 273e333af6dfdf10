package dev.pitstop.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LanesTest {

  @Test
  void oneRunsItemsGoOneAtATimeInOrderWhileOtherRunsPass() {
    Lanes<String> lanes = new Lanes<>(100, 4);
    lanes.offer("run-a", "a1");
    lanes.offer("run-a", "a2");
    lanes.offer("run-b", "b1");

    assertThat(lanes.take()).contains(new Lanes.Taken<>("run-a", "a1"));
    // a2 waits for a1 (e.g. a1 is being retried), b1 does not.
    assertThat(lanes.take()).contains(new Lanes.Taken<>("run-b", "b1"));
    assertThat(lanes.take()).isEmpty();

    lanes.release("run-a");
    assertThat(lanes.take()).contains(new Lanes.Taken<>("run-a", "a2"));
    lanes.release("run-b");
    lanes.release("run-a");
    assertThat(lanes.size()).isZero();
    assertThat(lanes.take()).isEmpty();
  }

  @Test
  void boundsLanesInFlightAndItemsHeld() {
    Lanes<String> lanes = new Lanes<>(3, 2);
    assertThat(lanes.offer("a", "a1")).isTrue();
    assertThat(lanes.offer("b", "b1")).isTrue();
    assertThat(lanes.offer("c", "c1")).isTrue();
    assertThat(lanes.offer("d", "d1")).isFalse();
    assertThat(lanes.take()).isPresent();
    assertThat(lanes.take()).isPresent();
    assertThat(lanes.take()).as("two lanes in flight at most").isEmpty();
    assertThat(lanes.inFlight()).isEqualTo(2);
    lanes.release("a");
    assertThat(lanes.take()).contains(new Lanes.Taken<>("c", "c1"));
    assertThatThrownBy(() -> lanes.release("a")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void drainingReturnsWhatIsQueuedAndKeepsWhatIsInFlight() {
    Lanes<String> lanes = new Lanes<>(10, 1);
    lanes.offer("a", "a1");
    lanes.offer("a", "a2");
    lanes.offer("b", "b1");
    lanes.take();
    assertThat(lanes.drainQueued()).containsExactlyInAnyOrder("a2", "b1");
    assertThat(lanes.size()).isEqualTo(1);
    lanes.release("a");
    assertThat(lanes.size()).isZero();
    assertThat(lanes.take()).isEmpty();
  }

  /** Seeded random runs: per-key order, one in flight per key, bounds, nothing lost. */
  @Test
  void randomOperationsKeepEveryInvariant() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int concurrency = 1 + random.nextInt(4);
      int capacity = 1 + random.nextInt(30);
      Lanes<Integer> lanes = new Lanes<>(capacity, concurrency);
      Map<String, List<Integer>> offered = new HashMap<>();
      Map<String, List<Integer>> taken = new HashMap<>();
      Set<String> inFlight = new HashSet<>();
      int next = 0;
      int refused = 0;
      for (int step = 0; step < 400; step++) {
        int op = random.nextInt(3);
        if (op == 0) {
          String key = "k" + random.nextInt(5);
          int item = next++;
          if (lanes.offer(key, item)) {
            offered.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
          } else {
            refused++;
            assertThat(lanes.size()).isEqualTo(capacity);
          }
        } else if (op == 1) {
          lanes
              .take()
              .ifPresent(
                  t -> {
                    assertThat(inFlight.add(t.key())).as("one in flight per key").isTrue();
                    taken.computeIfAbsent(t.key(), k -> new ArrayList<>()).add(t.item());
                  });
          assertThat(inFlight.size()).isLessThanOrEqualTo(concurrency);
        } else if (!inFlight.isEmpty()) {
          String key = inFlight.stream().sorted().toList().get(random.nextInt(inFlight.size()));
          inFlight.remove(key);
          lanes.release(key);
        }
        assertThat(lanes.size()).isLessThanOrEqualTo(capacity);
        assertThat(lanes.inFlight()).isEqualTo(inFlight.size());
      }
      // Finish everything: all offered items come out, each key in offer order.
      inFlight.forEach(lanes::release);
      inFlight.clear();
      for (var t = lanes.take(); t.isPresent(); t = lanes.take()) {
        taken.computeIfAbsent(t.get().key(), k -> new ArrayList<>()).add(t.get().item());
        lanes.release(t.get().key());
      }
      assertThat(taken).as("seed %d", seed).isEqualTo(offered);
      assertThat(lanes.size()).isZero();
      assertThat(refused + offered.values().stream().mapToInt(List::size).sum())
          .isLessThanOrEqualTo(next);
    }
  }
}
