package dev.pitstop.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.pitstop.events.EventIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandledIdsTest {

  @Test
  void aRepeatedIdIsNotNewAndTheLeastRecentlySeenIsForgottenFirst() {
    HandledIds ids = new HandledIds(2);
    String a = EventIds.of("uid-a", "step.started", "compile", 0);
    String b = EventIds.of("uid-b", "step.started", "compile", 0);
    String c = "request-1"; // a command's requestId: not hex
    assertThat(ids.firstTime(a)).isTrue();
    assertThat(ids.firstTime(b)).isTrue();
    assertThat(ids.firstTime(a)).isFalse(); // a is now the most recently seen
    assertThat(ids.firstTime(c)).isTrue(); // forgets b
    assertThat(ids.size()).isEqualTo(2);
    assertThat(ids.firstTime(a)).isFalse();
    assertThat(ids.firstTime(b)).isTrue();
  }

  @Test
  void hexIdsAndOtherStringsAreDistinct() {
    HandledIds ids = new HandledIds(10);
    String hex = "0123456789abcdef0123456789abcdef";
    assertThat(ids.firstTime(hex)).isTrue();
    assertThat(ids.firstTime(hex.toUpperCase(java.util.Locale.ROOT))).isTrue();
    assertThat(ids.firstTime("0123456789abcdef0123456789abcde")).isTrue();
    assertThat(ids.firstTime(new String(hex))).isFalse();
    // Strings with equal hashCodes are still told apart.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertThat(ids.firstTime("Aa")).isTrue();
    assertThat(ids.firstTime("BB")).isTrue();
    assertThat(ids.firstTime("Aa")).isFalse();
  }

  @Test
  void zeroCapacityRemembersNothingAndNegativeIsRefused() {
    HandledIds ids = new HandledIds(0);
    assertThat(ids.firstTime("x")).isTrue();
    assertThat(ids.firstTime("x")).isTrue();
    assertThat(ids.size()).isZero();
    assertThatThrownBy(() -> new HandledIds(-1)).hasMessageContaining("capacity");
  }

  /** Seeded: the same answers as a least-recently-seen LinkedHashMap, for any mix of ids. */
  @Test
  void answersAsALeastRecentlySeenMapDoes() {
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      int capacity = 1 + random.nextInt(seed % 4 == 0 ? 3_000 : 40);
      List<String> universe = new ArrayList<>();
      int distinct = capacity + 1 + random.nextInt(2 * capacity + 10);
      for (int i = 0; i < distinct; i++) {
        universe.add(
            switch (random.nextInt(4)) {
              case 0 -> "req-" + i;
              case 1 -> i % 2 == 0 ? "Aa" + i : "BB" + i; // colliding hashCodes
              default -> EventIds.of("uid-" + seed + "-" + i, "step.started", null, 0);
            });
      }
      HandledIds ids = new HandledIds(capacity);
      Map<String, Boolean> reference = reference(capacity);
      for (int op = 0; op < 20_000; op++) {
        // Skewed: recent ids come back often, as repeats do.
        String id =
            universe.get(
                Math.min(distinct - 1, (int) Math.abs(random.nextGaussian() * distinct / 3)));
        boolean expected = reference.put(id, Boolean.TRUE) == null;
        if (ids.firstTime(id) != expected || ids.size() != reference.size()) {
          fail(
              "seed %d op %d id %s: expected new=%s size %d",
              seed, op, id, expected, reference.size());
        }
      }
    }
  }

  private static Map<String, Boolean> reference(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }
}
