package dev.pitstop.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

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

  @Property
  void childNamesNeverExceed63Characters(
      @ForAll @AlphaChars @StringLength(min = 1, max = 200) String parent,
      @ForAll @AlphaChars @StringLength(min = 1, max = 80) String suffix) {
    assertThat(TektonNames.childName(parent.toLowerCase(), "-" + suffix.toLowerCase()).length())
        .isLessThanOrEqualTo(63);
  }
}
