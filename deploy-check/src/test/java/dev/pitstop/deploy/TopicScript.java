package dev.pitstop.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The topics a shell script creates with lines {@code t NAME --partitions N [--config
 * cleanup.policy=compact]} (docker-compose.yml's kafka-topics, the dev overlay's Job).
 */
final class TopicScript {
  private static final Pattern LINE =
      Pattern.compile(
          "(?m)^\\s*t\\s+(\\S+)\\s+--partitions\\s+(\\d+)(\\s+--config\\s+cleanup\\.policy=(\\w+))?\\s*$");

  record Topic(String name, int partitions, boolean compacted) {}

  private TopicScript() {}

  static Map<String, Topic> parse(String script) {
    Map<String, Topic> out = new LinkedHashMap<>();
    Matcher m = LINE.matcher(script);
    while (m.find()) {
      out.put(
          m.group(1),
          new Topic(m.group(1), Integer.parseInt(m.group(2)), "compact".equals(m.group(4))));
    }
    return out;
  }
}
