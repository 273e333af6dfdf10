package dev.pitstop.engine.api;

import dev.pitstop.runtime.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer tokens the HTTP API accepts, each naming a user. Tokens are compared in constant time
 * (SHA-256 digests compared with {@link MessageDigest#isEqual}, every configured token checked),
 * and never appear in {@link #toString()}, logs or error messages.
 *
 * <p>Authentication only: authorization (may this user {@code create pods/exec} in the run's
 * namespace, by SubjectAccessReview) is issue #3 and not done; every known user may release every
 * breakpoint.
 */
public final class ApiTokens {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@:+-]{1,253}");
  private static final Pattern TOKEN = Pattern.compile("\\S{1,4096}");

  private final List<Entry> entries;

  private record Entry(String user, byte[] digest) {}

  private ApiTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses {@code user=token} entries separated by commas or new lines; blank lines and lines
   * starting with {@code #} are skipped.
   *
   * @param key the configuration key the text came from, named in errors
   * @throws ConfigException naming {@code key} and the entry's position (never its value) when an
   *     entry is not {@code user=token}, a user name has characters outside {@code
   *     [A-Za-z0-9._@:+-]}, or a user or token appears twice
   */
  public static ApiTokens parse(String text, String key) {
    Map<String, String> byUser = new LinkedHashMap<>();
    List<byte[]> digests = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    int n = 0;
    for (String raw : text.split("[,\\n]")) {
      String e = raw.strip();
      if (e.isEmpty() || e.startsWith("#")) {
        continue;
      }
      n++;
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new ConfigException(key + ": entry " + n + " is not user=token");
      }
      String user = e.substring(0, eq).strip();
      String token = e.substring(eq + 1).strip();
      if (!USER.matcher(user).matches()) {
        throw new ConfigException(key + ": entry " + n + " has an illegal user name");
      }
      if (!TOKEN.matcher(token).matches()) {
        throw new ConfigException(
            key + ": entry " + n + " (user " + user + ") has an illegal token");
      }
      if (byUser.put(user, token) != null) {
        throw new ConfigException(key + ": user " + user + " appears twice");
      }
      byte[] d = sha256(token);
      for (byte[] other : digests) {
        if (MessageDigest.isEqual(other, d)) {
          throw new ConfigException(key + ": user " + user + " shares a token with another user");
        }
      }
      digests.add(d);
      entries.add(new Entry(user, d));
    }
    return new ApiTokens(entries);
  }

  /** The user whose token this is, if any; constant time in the token's content. */
  public Optional<String> userOf(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] d = sha256(presented);
    String found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, d) && found == null) {
        found = e.user;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The configured user names, in order. */
  public List<String> users() {
    return entries.stream().map(Entry::user).toList();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public String toString() {
    return "ApiTokens" + users();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
