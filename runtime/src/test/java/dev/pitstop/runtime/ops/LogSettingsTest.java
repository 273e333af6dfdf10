package dev.pitstop.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
  @Test
  void defaultsAndValidation() {
    assertThat(LogSettings.fromMap(Map.of())).isEqualTo(new LogSettings("text", "INFO"));
    assertThat(
            LogSettings.fromMap(Map.of("PITSTOP_LOG_FORMAT", "json", "PITSTOP_LOG_LEVEL", "debug")))
        .isEqualTo(new LogSettings("json", "debug"));
    assertThatThrownBy(() -> LogSettings.fromMap(Map.of("PITSTOP_LOG_FORMAT", "xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PITSTOP_LOG_FORMAT");
    assertThatThrownBy(() -> LogSettings.fromMap(Map.of("PITSTOP_LOG_LEVEL", "loud")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PITSTOP_LOG_LEVEL");
  }
}
