package dev.pitstop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/**
 * Heap per live Pod (watcher, {@link WatcherFootprint}) and per live run (engine, {@link
 * EngineFootprint}), and the engine's recovery time with M live breakpoints.
 */
final class Footprint {
  private Footprint() {}

  static BenchPart run(BenchOptions options, PrintStream out) throws Exception {
    BenchPart watcher = WatcherFootprint.measure(options, out);
    BenchPart engine = EngineFootprint.measure(options, out);
    return new BenchPart() {
      @Override
      public String name() {
        return "footprint";
      }

      @Override
      public void print(PrintStream o) {
        watcher.print(o);
        engine.print(o);
      }

      @Override
      public JsonNode json() {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.set(watcher.name(), watcher.json());
        node.set(engine.name(), engine.json());
        return node;
      }

      @Override
      public boolean failed() {
        return watcher.failed() || engine.failed();
      }
    };
  }
}
