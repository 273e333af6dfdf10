package dev.pitstop.sandbox.k8s;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The options of a {@code pods/log} request ({@code PodLogOptions}) that the sandbox honours.
 *
 * @param follow stream new lines until the container's log closes
 * @param timestamps prefix each line with its RFC3339Nano time and a space
 * @param tailLines only the last N lines that exist at request time; empty = all
 * @param since only lines at or after this time ({@code sinceTime} or {@code sinceSeconds}); empty
 *     = all
 */
record LogOptions(
    boolean follow, boolean timestamps, Optional<Integer> tailLines, Optional<Instant> since) {

  /**
   * Reads the options from a request.
   *
   * @param now the time {@code sinceSeconds} counts back from
   * @throws IllegalArgumentException for a malformed or negative value (answered with 400)
   */
  static LogOptions from(PodRequest request, Instant now) {
    Optional<Integer> tail = request.param("tailLines").map(v -> nonNegative("tailLines", v));
    Optional<Instant> since = request.param("sinceTime").map(KubeTime::parseRfc3339);
    Optional<String> sinceSeconds = request.param("sinceSeconds");
    if (sinceSeconds.isPresent()) {
      if (since.isPresent()) {
        throw new IllegalArgumentException(
            "at most one of sinceTime or sinceSeconds may be specified");
      }
      since = Optional.of(now.minusSeconds(nonNegative("sinceSeconds", sinceSeconds.get())));
    }
    return new LogOptions(request.flag("follow"), request.flag("timestamps"), tail, since);
  }

  /** The lines of a snapshot to send, after {@code sinceTime} and {@code tailLines}. */
  List<LogLine> select(List<LogLine> lines) {
    List<LogLine> selected =
        since.map(s -> lines.stream().filter(l -> !l.time().isBefore(s)).toList()).orElse(lines);
    if (tailLines.isPresent() && tailLines.get() < selected.size()) {
      selected = selected.subList(selected.size() - tailLines.get(), selected.size());
    }
    return selected;
  }

  /** Whether a line appended while following passes {@code sinceTime}. */
  boolean accepts(LogLine line) {
    return since.map(s -> !line.time().isBefore(s)).orElse(true);
  }

  /** The line as sent: {@code [<RFC3339Nano> ]<text>\n}. */
  String render(LogLine line) {
    return timestamps
        ? KubeTime.rfc3339Nano(line.time()) + " " + line.text() + "\n"
        : line.text() + "\n";
  }

  private static int nonNegative(String name, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + value, e);
    }
    if (n < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
    return n;
  }
}
