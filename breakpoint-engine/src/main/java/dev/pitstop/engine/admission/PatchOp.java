package dev.pitstop.engine.admission;

/**
 * One JSON Patch operation (RFC 6902) the webhook returns. Only {@code add} is used: on an existing
 * member it replaces the value, so it is right whether or not the member is there.
 *
 * @param op {@code add}
 * @param path a JSON Pointer (RFC 6901; {@code /} in a key spelled {@code ~1})
 * @param value plain Java: String, Map, List
 */
public record PatchOp(String op, String path, Object value) {
  public static PatchOp add(String path, Object value) {
    return new PatchOp("add", path, value);
  }

  /** A JSON Pointer token: {@code ~} → {@code ~0}, {@code /} → {@code ~1}. */
  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
