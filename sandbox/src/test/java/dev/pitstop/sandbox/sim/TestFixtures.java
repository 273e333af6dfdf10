package dev.pitstop.sandbox.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Tekton YAML under {@code <pitstop.shared.dir>/fixtures/tekton} (never copied here). */
final class TestFixtures {
  private TestFixtures() {}

  static String read(String relative) {
    Path dir = Path.of(System.getProperty("pitstop.shared.dir", "../../shared"));
    try {
      return Files.readString(dir.resolve("fixtures/tekton").resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
