package dev.pitstop.notifier.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slack's SDK and OpenTelemetry's OTLP exporter both bring an okhttp (4.12 as {@code okhttp}, 5.5
 * as {@code okhttp-jvm}), both in package {@code okhttp3}: a classpath with both loads whichever
 * comes first. The notifier depends on okhttp-jvm 5.5 only (see its pom); this fails if a second
 * copy creeps in.
 */
class OkHttpClasspathTest {
  @Test
  void exactlyOneOkHttpIsOnTheClasspath() throws Exception {
    List<URL> found =
        Collections.list(getClass().getClassLoader().getResources("okhttp3/OkHttpClient.class"));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).toString()).contains("okhttp-jvm-5.5.0");
  }
}
