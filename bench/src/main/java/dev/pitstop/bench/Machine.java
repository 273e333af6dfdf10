package dev.pitstop.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine and JVM the figures came from, printed first so a figure is never read without it.
 */
final class Machine {
  private Machine() {}

  static Map<String, Object> facts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    return m;
  }

  static String describe() {
    return "machine: " + facts();
  }
}
