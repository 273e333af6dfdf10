package dev.pitstop.watcher.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
  @Test
  void readsLinesAndDropsWhatExceedsTheBound() throws Exception {
    String text = "a\r\n" + "b".repeat(50) + "\nlast";
    BoundedLineReader r =
        new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 10);
    assertThat(r.readLine()).isEqualTo("a");
    assertThat(r.readLine()).isEqualTo("b".repeat(10));
    assertThat(r.readLine()).isEqualTo("last");
    assertThat(r.readLine()).isNull();
  }
}
