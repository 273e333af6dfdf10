package dev.pitstop.watcher.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines from a log stream keeping at most {@code maxBytes} of each line (the rest of a
 * longer line is read and dropped), so a step printing one endless line cannot exhaust memory.
 */
final class BoundedLineReader {
  private final InputStream in;
  private final int maxBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  BoundedLineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline (and a trailing CR), or null at the end of the stream. */
  String readLine() throws IOException {
    line.reset();
    int b;
    boolean any = false;
    while ((b = in.read()) != -1) {
      any = true;
      if (b == '\n') {
        return text();
      }
      if (line.size() < maxBytes) {
        line.write(b);
      }
    }
    return any ? text() : null;
  }

  private String text() {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
