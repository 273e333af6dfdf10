package dev.pitstop.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TektonNamesTest {
  @Test
  void childTaskRunNameIsRunAndTaskJoinedWhenShort() {
    assertThat(TektonNames.childTaskRunName("build-x7k2p", "compile"))
        .isEqualTo("build-x7k2p-compile");
    assertThat(TektonNames.podName("build-x7k2p-compile", 0)).isEqualTo("build-x7k2p-compile-pod");
    assertThat(TektonNames.podName("tr", 2)).isEqualTo("tr-pod-retry2");
  }

  @Test
  void longNamesAreShortenedAsKnativeDoes() {
    String parent = "a".repeat(60);
    // knative kmeta.ChildName: parent[:31-len(suffix)] + md5(parent) + suffix
    String name = TektonNames.childName(parent, "-pod");
    assertThat(name).hasSize(63).startsWith("a".repeat(27)).endsWith("-pod");
  }

  static LongStream seeds() {
    return LongStream.range(0, 500);
  }

  /** Property over random names (seeded, so a failure names its seed and reproduces). */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void childNamesNeverExceed63Characters(long seed) {
    Random r = new Random(seed);
    String parent = randomName(r, 1 + r.nextInt(200));
    String suffix = "-" + randomName(r, 1 + r.nextInt(80));
    String name = TektonNames.childName(parent, suffix);
    assertThat(name.length()).isLessThanOrEqualTo(63);
    if (parent.length() + suffix.length() <= 63) {
      assertThat(name).isEqualTo(parent + suffix);
    }
  }

  private static String randomName(Random r, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }
}
