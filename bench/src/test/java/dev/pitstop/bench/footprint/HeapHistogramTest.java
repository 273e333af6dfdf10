package dev.pitstop.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapHistogramTest {
  static final String BEFORE =
      """
      4532:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         13051         794744  [B (java.base@17.0.15)
         2:          3002         360856  java.lang.Class (java.base@17.0.15)
         3:         12892         309408  java.lang.String (java.base@17.0.15)
         4:            10            240  dev.pitstop.engine.breakpoint.Breakpoint
      Total         28955        1465248
      """;
  static final String AFTER =
      """
      4532:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         14051         894744  [B (java.base@17.0.15)
         2:         13892         332408  java.lang.String (java.base@17.0.15)
         3:          3000         360808  java.lang.Class (java.base@17.0.15)
         4:          1010          24240  dev.pitstop.engine.breakpoint.Breakpoint
         5:             1             16  dev.pitstop.New
      Total         31954        1612216
      """;

  @Test
  void parsesRowsAndTheTotal() {
    HeapHistogram h = HeapHistogram.parse(BEFORE);
    assertThat(h.totalBytes()).isEqualTo(1465248);
    assertThat(h.classes()).hasSize(4);
    assertThat(h.classes().get("java.lang.String").instances()).isEqualTo(12892);
    assertThat(h.classes().get("dev.pitstop.engine.breakpoint.Breakpoint").bytes()).isEqualTo(240);
  }

  @Test
  void growthListsWhatGrewLargestFirstWithNewClassesAndWithoutWhatShrank() {
    var growth = HeapHistogram.parse(AFTER).growthSince(HeapHistogram.parse(BEFORE), 10);
    assertThat(growth)
        .extracting(HeapHistogram.Entry::className)
        .containsExactly(
            "[B",
            "dev.pitstop.engine.breakpoint.Breakpoint",
            "java.lang.String",
            "dev.pitstop.New");
    assertThat(growth.get(1).instances()).isEqualTo(1000);
    assertThat(growth.get(1).bytes()).isEqualTo(24000);
    assertThat(HeapHistogram.parse(AFTER).growthSince(HeapHistogram.parse(BEFORE), 2)).hasSize(2);
  }

  @Test
  void jcmdErrorsAreNotHistograms() {
    assertThatThrownBy(
            () -> HeapHistogram.parse("4532:\ncom.sun.tools.attach.AttachNotSupportedException"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Total line");
  }
}
