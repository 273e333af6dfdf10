package dev.pitstop.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {
  @Test
  void docsEventsMdShowsWhatTheCodeEmits() throws Exception {
    Path file = Path.of("..", "docs", "events.md");
    if (Boolean.getBoolean("pitstop.catalogue.write")) {
      Files.createDirectories(file.getParent());
      EventCatalogue.main(new String[] {file.toString()});
    }
    assertThat(Files.readString(file))
        .as("docs/events.md is stale: regenerate with -Dpitstop.catalogue.write=true")
        .isEqualTo(EventCatalogue.markdown());
    for (EventType t : EventType.values()) {
      assertThat(Files.readString(file)).contains("\"type\" : \"" + t.type() + "\"");
    }
  }
}
