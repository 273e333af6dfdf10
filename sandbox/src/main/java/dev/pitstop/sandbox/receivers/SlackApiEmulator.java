package dev.pitstop.sandbox.receivers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Slack Web API emulator on loopback, for tests of code that uses the Slack SDK (point it at
 * {@link #apiUrl()} with {@code SlackConfig.setMethodsEndpointUrlPrefix}). It checks what Slack
 * checks and records what it was sent, so tests assert blocks, in-place updates and threads.
 *
 * <p>Methods: {@code chat.postMessage}, {@code chat.update}, {@code chat.postEphemeral}; bodies as
 * {@code application/x-www-form-urlencoded} (how the SDK sends them; {@code blocks} is then a JSON
 * string) or {@code application/json}. Answers are Slack's: HTTP 200 with {@code {"ok":true,...}}
 * or {@code {"ok":false,"error":"..."}}:
 *
 * <ul>
 *   <li>{@code not_authed} without a token, {@code invalid_auth} when {@code Authorization: Bearer
 *       <token>} (or the form's {@code token}) is not the configured token;
 *   <li>{@code channel_not_found} for a channel not {@link #addChannel added} (by {@code #name} or
 *       id); {@code user_not_found} for an ephemeral message to no user;
 *   <li>{@code no_text} without {@code text} and {@code blocks}; {@code invalid_blocks} when the
 *       blocks are not a JSON array of at most 50 objects of a known type ({@code section}, {@code
 *       context}, {@code actions}, {@code divider}, {@code header}, {@code image}, {@code
 *       rich_text}) within Slack's limits: section text 1–3000 characters, at most 10 fields of at
 *       most 2000, header text at most 150, context 1–10 elements, actions 1–25 elements, button
 *       text at most 75, {@code action_id} at most 255 and unique in the message, {@code value} at
 *       most 2000, {@code block_id} at most 255 and unique; {@code msg_too_long} for text over
 *       40000 characters;
 *   <li>{@code message_not_found} for {@code chat.update} of a {@code ts} not in the channel,
 *       {@code thread_not_found} for a {@code thread_ts} that is not a message of the channel
 *       (Slack's real answer to a bad {@code thread_ts} varies; tests only need a refusal);
 *   <li><b>rate</b>: {@code chat.postMessage} and {@code chat.update} together at most one per
 *       second per channel (Slack's "1 message per second per channel", applied to updates too):
 *       HTTP 429 with {@code Retry-After: 1} and {@code {"ok":false,"error":"ratelimited"}},
 *       counted by {@link #rateLimited()}. {@link #throttleNext} injects 429s on purpose.
 * </ul>
 *
 * <p><b>Time</b> is read from a monotonic {@code LongSupplier} of nanoseconds ({@link
 * System#nanoTime()} unless one is given), so the rate check does not jump with the wall clock and
 * tests can drive it. Messages' {@code ts} are {@code <epoch seconds at start>.<6-digit sequence>}:
 * unique and increasing. Thread-safe; the server's threads are daemon threads.
 */
public final class SlackApiEmulator implements AutoCloseable {
  /** Slack's known block types (those the emulator validates). */
  public static final Set<String> BLOCK_TYPES =
      Set.of("section", "context", "actions", "divider", "header", "image", "rich_text");

  /** One version of a message. */
  public record Version(String text, JsonNode blocks, long atNanos) {}

  /**
   * A message as the channel holds it, with its history (first post first).
   *
   * @param channel the channel's id
   * @param ts its timestamp
   * @param threadTs the parent's {@code ts} for a thread reply, or null
   * @param ephemeralUser for an ephemeral message, the user who sees it; else null
   */
  public record Message(
      String channel, String ts, String threadTs, String ephemeralUser, List<Version> versions) {
    /** The latest version. */
    public Version latest() {
      return versions.get(versions.size() - 1);
    }

    /** The latest blocks as JSON text ({@code null} when it has none). */
    public String blocksJson() {
      JsonNode b = latest().blocks();
      return b == null ? null : b.toString();
    }

    /** Times it was updated. */
    public int updates() {
      return versions.size() - 1;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token;
  private final LongSupplier nanos;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, String> channelIds = new HashMap<>();
  private final Map<String, List<Message>> messages = new LinkedHashMap<>();
  private final Map<String, Long> lastCall = new HashMap<>();
  private final Map<String, Integer> injected = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final long epoch = System.currentTimeMillis() / 1000;
  private long seq;
  private int rateLimited;
  private int injectedServed;

  private SlackApiEmulator(String token, LongSupplier nanos) throws IOException {
    this.token = token;
    this.nanos = nanos;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "slack-emulator");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/api/", this::handle);
  }

  /**
   * Starts an emulator accepting {@code token}, timed by the sandbox's time scale ({@link
   * dev.pitstop.sandbox.time.SandboxTime#nanos()}): its one-call-per-second window lasts {@code
   * SandboxTime.of(1s)} of real time, so a notifier configured with {@code NOTIFIER_SLACK_INTERVAL}
   * of {@code SandboxTime.go(1s)} keeps to it at any scale. The recorded {@code atNanos} are in
   * that clock (scaled seconds).
   */
  public static SlackApiEmulator start(String token) throws IOException {
    return start(token, dev.pitstop.sandbox.time.SandboxTime.nanos());
  }

  /**
   * Starts an emulator accepting {@code token}.
   *
   * @param nanos a monotonic clock in nanoseconds (the rate check's)
   */
  public static SlackApiEmulator start(String token, LongSupplier nanos) throws IOException {
    SlackApiEmulator e = new SlackApiEmulator(token, nanos);
    e.server.start();
    return e;
  }

  /** The Web API base URL, {@code http://127.0.0.1:<port>/api/}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  /**
   * Adds a channel, known by {@code #name} and by {@code id}.
   *
   * @return this
   */
  public synchronized SlackApiEmulator addChannel(String name, String id) {
    channelIds.put(name, id);
    channelIds.put(id, id);
    messages.putIfAbsent(id, new ArrayList<>());
    return this;
  }

  /** The next {@code n} posts or updates to the channel are answered 429 with this Retry-After. */
  public synchronized void throttleNext(String channel, int n, int retryAfterSeconds) {
    injected.put(channelIds.getOrDefault(channel, channel), n);
    injectedRetryAfter = retryAfterSeconds;
  }

  private int injectedRetryAfter = 1;
  private long lastInjectedNanos;

  /** When (on the emulator's clock) the last injected 429 was answered; 0 when none was. */
  public synchronized long lastInjectedThrottleNanos() {
    return lastInjectedNanos;
  }

  /** 429 answers given because a channel was called faster than once per second. */
  public synchronized int rateLimited() {
    return rateLimited;
  }

  /** 429 answers given because {@link #throttleNext} asked for them. */
  public synchronized int injectedThrottles() {
    return injectedServed;
  }

  /** Calls of a method ({@code chat.update}), answered any way. */
  public synchronized int calls(String method) {
    return calls.getOrDefault(method, 0);
  }

  /** The channel's messages, top-level and replies, in posting order (copies). */
  public synchronized List<Message> messages(String channel) {
    List<Message> l = messages.get(channelIds.getOrDefault(channel, channel));
    if (l == null) {
      return List.of();
    }
    List<Message> out = new ArrayList<>();
    l.forEach(
        m ->
            out.add(
                new Message(
                    m.channel(),
                    m.ts(),
                    m.threadTs(),
                    m.ephemeralUser(),
                    List.copyOf(m.versions()))));
    return out;
  }

  /** The channel's top-level, non-ephemeral messages. */
  public List<Message> topLevel(String channel) {
    return messages(channel).stream()
        .filter(m -> m.threadTs() == null && m.ephemeralUser() == null)
        .toList();
  }

  /** The replies in a message's thread, oldest first. */
  public List<Message> thread(String channel, String ts) {
    return messages(channel).stream().filter(m -> ts.equals(m.threadTs())).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestURI().getPath().substring("/api/".length());
      byte[] body = ex.getRequestBody().readAllBytes();
      if (!"POST".equals(ex.getRequestMethod())) {
        answer(ex, 405, error("method_not_allowed"), null);
        return;
      }
      Map<String, String> params;
      String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("");
      try {
        params =
            type.toLowerCase(Locale.ROOT).startsWith("application/json")
                ? json(body)
                : form(new String(body, StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        answer(ex, 200, error("invalid_json"), null);
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Result r;
      synchronized (this) {
        calls.merge(method, 1, Integer::sum);
        r = call(method, auth, params);
      }
      answer(ex, r.status, r.body, r.retryAfter);
    }
  }

  private record Result(int status, ObjectNode body, String retryAfter) {}

  private Result ok(ObjectNode body) {
    return new Result(200, body, null);
  }

  private Result call(String method, String auth, Map<String, String> p) {
    String given = null;
    if (auth != null && auth.startsWith("Bearer ")) {
      given = auth.substring("Bearer ".length()).strip();
    } else if (p.get("token") != null) {
      given = p.get("token");
    }
    if (given == null || given.isEmpty()) {
      return ok(error("not_authed"));
    }
    if (!given.equals(token)) {
      return ok(error("invalid_auth"));
    }
    if (!Set.of("chat.postMessage", "chat.update", "chat.postEphemeral").contains(method)) {
      return ok(error("unknown_method"));
    }
    String channel = channelIds.get(p.getOrDefault("channel", ""));
    if (channel == null) {
      return ok(error("channel_not_found"));
    }
    String text = p.get("text");
    JsonNode blocks = null;
    if (p.get("blocks") != null && !p.get("blocks").isBlank()) {
      try {
        blocks = JSON.readTree(p.get("blocks"));
      } catch (IOException e) {
        return ok(error("invalid_blocks"));
      }
      Optional<String> bad = checkBlocks(blocks);
      if (bad.isPresent()) {
        ObjectNode err = error("invalid_blocks");
        err.putArray("errors").add(bad.get());
        return ok(err);
      }
    }
    if ((text == null || text.isEmpty()) && blocks == null) {
      return ok(error("no_text"));
    }
    if (text != null && text.length() > 40_000) {
      return ok(error("msg_too_long"));
    }
    List<Message> list = messages.get(channel);
    if (method.equals("chat.postEphemeral")) {
      String user = p.get("user");
      if (user == null || user.isBlank()) {
        return ok(error("user_not_found"));
      }
      String ts = nextTs();
      list.add(new Message(channel, ts, p.get("thread_ts"), user, versions(text, blocks)));
      ObjectNode b = okBody();
      b.put("message_ts", ts);
      return ok(b);
    }
    // Posts and updates count against the channel's rate.
    long now = nanos.getAsLong();
    Integer n = injected.get(channel);
    if (n != null && n > 0) {
      injected.put(channel, n - 1);
      injectedServed++;
      lastInjectedNanos = now;
      return new Result(429, error("ratelimited"), String.valueOf(injectedRetryAfter));
    }
    Long last = lastCall.get(channel);
    if (last != null && now - last < TimeUnit.SECONDS.toNanos(1)) {
      rateLimited++;
      return new Result(429, error("ratelimited"), "1");
    }
    if (method.equals("chat.update")) {
      String ts = p.get("ts");
      Message m =
          list.stream()
              .filter(x -> x.ts().equals(ts) && x.ephemeralUser() == null)
              .findFirst()
              .orElse(null);
      if (m == null) {
        return ok(error("message_not_found"));
      }
      lastCall.put(channel, now);
      m.versions().add(new Version(text, blocks, now));
      ObjectNode b = okBody();
      b.put("channel", channel);
      b.put("ts", ts);
      b.put("text", text);
      return ok(b);
    }
    String threadTs = p.get("thread_ts");
    if (threadTs != null && !threadTs.isBlank()) {
      String parentTs = threadTs;
      boolean parent =
          list.stream()
              .anyMatch(
                  x ->
                      x.ts().equals(parentTs) && x.threadTs() == null && x.ephemeralUser() == null);
      if (!parent) {
        return ok(error("thread_not_found"));
      }
    } else {
      threadTs = null;
    }
    lastCall.put(channel, now);
    String ts = nextTs();
    list.add(new Message(channel, ts, threadTs, null, versions(text, blocks)));
    ObjectNode b = okBody();
    b.put("channel", channel);
    b.put("ts", ts);
    ObjectNode msg = b.putObject("message");
    msg.put("text", text);
    msg.put("ts", ts);
    if (threadTs != null) {
      msg.put("thread_ts", threadTs);
    }
    return ok(b);
  }

  private List<Version> versions(String text, JsonNode blocks) {
    List<Version> v = new ArrayList<>();
    v.add(new Version(text, blocks, nanos.getAsLong()));
    return v;
  }

  private String nextTs() {
    seq++;
    return epoch + "." + String.format("%06d", seq);
  }

  /** Why the blocks are not valid Block Kit within Slack's limits, or empty. */
  public static Optional<String> checkBlocks(JsonNode blocks) {
    if (!blocks.isArray()) {
      return Optional.of("blocks must be an array");
    }
    if (blocks.size() > 50) {
      return Optional.of("more than 50 blocks");
    }
    Set<String> blockIds = new java.util.HashSet<>();
    Set<String> actionIds = new java.util.HashSet<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonNode b = blocks.get(i);
      String where = "block " + i;
      if (!b.isObject() || !b.path("type").isTextual()) {
        return Optional.of(where + ": not an object with a type");
      }
      String type = b.get("type").asText();
      if (!BLOCK_TYPES.contains(type)) {
        return Optional.of(where + ": unknown type " + type);
      }
      if (b.has("block_id")) {
        String id = b.get("block_id").asText();
        if (id.isEmpty() || id.length() > 255 || !blockIds.add(id)) {
          return Optional.of(where + ": block_id empty, longer than 255 or repeated");
        }
      }
      Optional<String> bad =
          switch (type) {
            case "section" -> section(b);
            case "context" -> context(b);
            case "actions" -> actions(b, actionIds);
            case "header" -> text(b.path("text"), 150, Set.of("plain_text"));
            default -> Optional.empty();
          };
      if (bad.isPresent()) {
        return Optional.of(where + " (" + type + "): " + bad.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> section(JsonNode b) {
    if (!b.has("text") && !b.has("fields")) {
      return Optional.of("needs text or fields");
    }
    if (b.has("text")) {
      Optional<String> t = text(b.get("text"), 3000, Set.of("plain_text", "mrkdwn"));
      if (t.isPresent()) {
        return t;
      }
    }
    if (b.has("fields")) {
      JsonNode f = b.get("fields");
      if (!f.isArray() || f.size() > 10) {
        return Optional.of("fields must be an array of at most 10");
      }
      for (JsonNode x : f) {
        Optional<String> t = text(x, 2000, Set.of("plain_text", "mrkdwn"));
        if (t.isPresent()) {
          return t;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> context(JsonNode b) {
    JsonNode e = b.path("elements");
    if (!e.isArray() || e.isEmpty() || e.size() > 10) {
      return Optional.of("elements must be an array of 1 to 10");
    }
    for (JsonNode x : e) {
      String t = x.path("type").asText();
      if (t.equals("image")) {
        continue;
      }
      Optional<String> bad = text(x, 3000, Set.of("plain_text", "mrkdwn"));
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> actions(JsonNode b, Set<String> actionIds) {
    JsonNode e = b.path("elements");
    if (!e.isArray() || e.isEmpty() || e.size() > 25) {
      return Optional.of("elements must be an array of 1 to 25");
    }
    for (JsonNode x : e) {
      if (!"button".equals(x.path("type").asText())) {
        continue;
      }
      Optional<String> t = text(x.path("text"), 75, Set.of("plain_text"));
      if (t.isPresent()) {
        return Optional.of("button " + t.get());
      }
      String id = x.path("action_id").asText("");
      if (id.length() > 255 || (!id.isEmpty() && !actionIds.add(id))) {
        return Optional.of("action_id longer than 255 or repeated");
      }
      if (x.path("value").asText("").length() > 2000) {
        return Optional.of("value longer than 2000");
      }
      String style = x.path("style").asText("primary");
      if (!style.equals("primary") && !style.equals("danger")) {
        return Optional.of("style must be primary or danger");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> text(JsonNode t, int max, Set<String> types) {
    if (!t.isObject() || !types.contains(t.path("type").asText())) {
      return Optional.of("text object must be one of " + types);
    }
    String s = t.path("text").asText("");
    if (s.isEmpty() || s.length() > max) {
      return Optional.of("text must be 1 to " + max + " characters, is " + s.length());
    }
    return Optional.empty();
  }

  private static ObjectNode okBody() {
    ObjectNode b = JSON.createObjectNode();
    b.put("ok", true);
    return b;
  }

  private static ObjectNode error(String error) {
    ObjectNode b = JSON.createObjectNode();
    b.put("ok", false);
    b.put("error", error);
    return b;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    if (body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static Map<String, String> json(byte[] body) throws IOException {
    JsonNode n = JSON.readTree(body);
    Map<String, String> out = new HashMap<>();
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object");
    }
    n.fields()
        .forEachRemaining(
            e ->
                out.put(
                    e.getKey(),
                    e.getValue().isTextual()
                        ? e.getValue().asText()
                        : (e.getValue() instanceof ArrayNode || e.getValue().isObject())
                            ? e.getValue().toString()
                            : e.getValue().asText()));
    return out;
  }

  private static void answer(HttpExchange ex, int status, ObjectNode body, String retryAfter)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    if (retryAfter != null) {
      ex.getResponseHeaders().set("Retry-After", retryAfter);
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
