package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the code: every key a service reads ({@link
 * PitstopService#keysRead}, i.e. its {@code XxxConfig.fromMap} plus what {@code ServiceMain} reads)
 * is in the doc's tables, and every key in the doc's tables is read by some service, so the
 * reference cannot drift.
 */
class ConfigurationDocTest {
  private static final Pattern KEY = Pattern.compile("`([A-Z][A-Z0-9_]*\\*?)`");

  /** Keys in the first column of the doc's tables. */
  static Set<String> documentedKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    for (String line :
        Files.readAllLines(PitstopService.Repo.root().resolve("docs/configuration.md"))) {
      if (!line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.split("\\|");
      if (cells.length < 2) {
        continue;
      }
      Matcher m = KEY.matcher(cells[1]);
      while (m.find()) {
        keys.add(m.group(1));
      }
    }
    return keys;
  }

  /**
   * The environments each service is read with: the least it starts with, and ones that turn on the
   * optional parts whose keys are read only then.
   */
  static List<Map<String, String>> environments() throws IOException {
    Map<String, String> minimal =
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "ENGINE_API_TOKENS", "me=t");
    List<Map<String, String>> envs = new ArrayList<>();
    envs.add(minimal);
    var dir = Files.createTempDirectory("pitstop-doc-test");
    var users = Files.writeString(dir.resolve("users"), "");
    var cert = Files.writeString(dir.resolve("tls.crt"), "");
    var key = Files.writeString(dir.resolve("tls.key"), "");
    Map<String, String> optional = new HashMap<>(minimal);
    optional.put("ENGINE_WEBHOOK_CERT_FILE", cert.toString());
    optional.put("ENGINE_WEBHOOK_KEY_FILE", key.toString());
    optional.put("NOTIFIER_SLACK_SIGNING_SECRET", "secret");
    optional.put("NOTIFIER_SLACK_USERS_FILE", users.toString());
    optional.put("NOTIFIER_SLACK_TOKEN", "xoxb-doc-test");
    envs.add(optional);
    return envs;
  }

  /** Every key some service reads in some of {@link #environments()}. */
  static Set<String> keysRead() throws IOException {
    Set<String> read = new TreeSet<>();
    for (Map<String, String> env : environments()) {
      for (PitstopService s : PitstopService.values()) {
        try {
          read.addAll(s.keysRead(env));
        } catch (RuntimeException e) {
          throw new AssertionError(s.module + " does not start with " + env.keySet(), e);
        }
      }
    }
    read.addAll(PitstopService.imageVariables());
    read.add(PitstopService.KUBECONFIG);
    return read;
  }

  @Test
  void everyKeyAServiceReadsIsDocumented() throws IOException {
    Set<String> documented = documentedKeys();
    Set<String> missing = new TreeSet<>(keysRead());
    missing.removeAll(documented);
    assertThat(missing).as("keys read but not in docs/configuration.md's tables").isEmpty();
  }

  @Test
  void everyDocumentedKeyIsReadBySomeService() throws IOException {
    Set<String> read = keysRead();
    List<String> prefixes =
        read.stream()
            .filter(k -> k.endsWith("*"))
            .map(k -> k.substring(0, k.length() - 1))
            .toList();
    Set<String> unknown = new TreeSet<>();
    for (String key : documentedKeys()) {
      if (!read.contains(key) && prefixes.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    assertThat(unknown).as("keys in docs/configuration.md that no service reads").isEmpty();
  }

  @Test
  void theCheckSeesAnUndocumentedKey() throws IOException {
    assertThat(documentedKeys()).contains("PITSTOP_MANAGEMENT_PORT", "KAFKA_BOOTSTRAP_SERVERS");
    assertThat(documentedKeys()).doesNotContain("ENGINE_NO_SUCH_KEY");
    assertThat(keysRead()).contains("ENGINE_HTTP_PORT", "PITSTOP_LOG_FORMAT");
  }
}
