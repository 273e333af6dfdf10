package dev.pitstop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** The figures of one part of {@code pitstop bench}: printed for people, written as JSON. */
public interface BenchPart {
  /** Short name, also the key of this part in the JSON report. */
  String name();

  /** Prints the figures as a table, each Pitstop figure next to its raw path and their ratio. */
  void print(PrintStream out);

  /** The same figures as JSON (units in the field names: {@code _ms}, {@code _per_s}, ...). */
  JsonNode json();

  /** Whether the part failed outright (e.g. an event lost): the command then exits 1. */
  boolean failed();
}
