package dev.pitstop.events.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.SampleEvents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedStringsTest {

  /** Seeded: the same entries, order, lookups, equality and text as an unmodifiable TreeMap. */
  @Test
  void behavesAsAnUnmodifiableTreeMap() {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      Map<String, String> source = new HashMap<>();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        String key = "k" + random.nextInt(30) + (random.nextBoolean() ? "/x" : "");
        source.put(key, random.nextInt(5) == 0 ? null : "v" + random.nextInt(9));
      }
      Map<String, String> tree = Collections.unmodifiableMap(new TreeMap<>(source));
      Map<String, String> compact = SortedStrings.of(source);
      assertThat(new ArrayList<>(compact.entrySet()))
          .as("seed %d", seed)
          .isEqualTo(new ArrayList<>(tree.entrySet()));
      assertThat(new ArrayList<>(compact.keySet())).isEqualTo(new ArrayList<>(tree.keySet()));
      assertThat(compact).isEqualTo(tree);
      assertThat(tree).isEqualTo(compact);
      assertThat(compact.hashCode()).isEqualTo(tree.hashCode());
      assertThat(compact.toString()).isEqualTo(tree.toString());
      assertThat(compact.size()).isEqualTo(tree.size());
      for (int i = 0; i < 40; i++) {
        String key = "k" + i + (i % 2 == 0 ? "/x" : "");
        assertThat(compact.get(key)).isEqualTo(tree.get(key));
        assertThat(compact.containsKey(key)).isEqualTo(tree.containsKey(key));
      }
      assertThat(SortedStrings.of(compact)).isSameAs(compact);
    }
  }

  @Test
  void isUnmodifiableAndRefusesNullKeysAsATreeMapDoes() {
    Map<String, String> source = new HashMap<>();
    source.put("b", "2");
    source.put("a", null);
    Map<String, String> m = SortedStrings.of(source);
    assertThat(new ArrayList<>(m.entrySet())).containsExactly(entry("a", null), entry("b", "2"));
    assertThatThrownBy(() -> m.put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.get(null)).isInstanceOf(NullPointerException.class);
    Map<String, String> withNullKey = new HashMap<>();
    withNullKey.put(null, "x");
    assertThatThrownBy(() -> SortedStrings.of(withNullKey))
        .isInstanceOf(NullPointerException.class);
    assertThat(SortedStrings.of(null)).isEmpty();
  }

  @Test
  void aRunRefsLabelsReadBackFromJsonInOrder() throws Exception {
    RunRef run = SampleEvents.TASK_RUN;
    assertThat(run.labels()).isNotEmpty();
    RunRef back =
        EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsBytes(run), RunRef.class);
    assertThat(back).isEqualTo(run);
    assertThat(new ArrayList<>(back.labels().keySet()))
        .isEqualTo(new ArrayList<>(new TreeMap<>(run.labels()).keySet()));
    assertThat(List.copyOf(back.labels().keySet())).isSorted();
  }

  private static Map.Entry<String, String> entry(String k, String v) {
    return new java.util.AbstractMap.SimpleImmutableEntry<>(k, v);
  }
}
