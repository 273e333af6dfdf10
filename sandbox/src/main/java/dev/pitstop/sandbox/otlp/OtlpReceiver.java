package dev.pitstop.sandbox.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal OTLP/HTTP and OTLP/gRPC trace receiver on loopback, standing in for Jaeger or a
 * collector in tests and in the CLI demo (no collector jar exists here).
 *
 * <p>OTLP/gRPC is served on the same port over HTTP/2 cleartext with prior knowledge (h2c, what
 * gRPC clients use for {@code http://} endpoints): {@code POST} {@value #GRPC_PATH} with {@code
 * Content-Type: application/grpc}, one length-prefixed {@code ExportTraceServiceRequest} message
 * (uncompressed, or {@code grpc-encoding: gzip}), answered with an empty {@code
 * ExportTraceServiceResponse} and trailer {@code grpc-status: 0}; a malformed message gets {@code
 * grpc-status} 3 (INVALID_ARGUMENT), another compression 12 (UNIMPLEMENTED), with {@code
 * grpc-message}. No gRPC library: the framing is five bytes (compressed flag, big-endian length).
 *
 * <p>Serves {@code POST /v1/traces} with {@code Content-Type: application/x-protobuf} (optionally
 * {@code Content-Encoding: gzip}), decoding {@code ExportTraceServiceRequest} (OTLP 1.x, the
 * protobuf encoding of the OTLP/HTTP spec). Answers 200 with an empty {@code
 * ExportTraceServiceResponse}; 400 with a text reason when the body does not decode; 413 above
 * {@value #MAX_BODY_BYTES} bytes; 415 for any other content type (OTLP/JSON is not supported); 404
 * for other paths and 405 for other methods. Spans are kept in memory in arrival order.
 */
public final class OtlpReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpReceiver.class);

  /** The path of OTLP/HTTP trace exports. */
  public static final String PATH = "/v1/traces";

  /** The path of OTLP/gRPC trace exports (the gRPC method). */
  public static final String GRPC_PATH =
      "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

  /** The largest request body accepted, in bytes (16 MiB). */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final String PROTOBUF = "application/x-protobuf";
  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;

  /**
   * Guarded by itself. Not a CopyOnWriteArrayList: that copied every span held on each export
   * request, quadratic once a bench had exported a few hundred thousand spans.
   */
  private final List<ReceivedSpan> spans = new ArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts a receiver on {@code 127.0.0.1}.
   *
   * @param port the TCP port, or 0 for any free port
   * @return a future of the listening receiver, failed when the port cannot be bound
   */
  public static Future<OtlpReceiver> start(Vertx vertx, int port) {
    HttpServer server =
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.requestHandler(receiver::handle);
    return server
        .listen()
        .map(
            s -> {
              LOG.info("OTLP receiver listening at {}", receiver.endpoint());
              return receiver;
            });
  }

  /** The full URL to export to, e.g. {@code http://127.0.0.1:43181/v1/traces}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort() + PATH;
  }

  /** The OTLP/gRPC endpoint to export to, e.g. {@code http://127.0.0.1:43181} (no path). */
  public String grpcEndpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Every span received so far, in arrival order (a snapshot). */
  public List<ReceivedSpan> spans() {
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  /** The spans received of one trace (32 hex characters), in arrival order. */
  public List<ReceivedSpan> trace(String traceId) {
    synchronized (spans) {
      return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }
  }

  /** Forgets every span received. */
  public void clear() {
    synchronized (spans) {
      spans.clear();
    }
  }

  /** Stops listening; completes when the port is released. */
  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest req) {
    if (GRPC_PATH.equals(req.path())) {
      handleGrpc(req);
      return;
    }
    if (!PATH.equals(req.path())) {
      reply(req, 404, "no such path: only " + PATH + " and " + GRPC_PATH);
      return;
    }
    if (req.method() != HttpMethod.POST) {
      reply(req, 405, "only POST");
      return;
    }
    String type = req.getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!PROTOBUF.equals(mediaType)) {
      reply(req, 415, "Content-Type must be " + PROTOBUF + ", was " + type);
      return;
    }
    String contentLength = req.getHeader("Content-Length");
    if (contentLength != null
        && contentLength.matches("\\d{1,18}")
        && Long.parseLong(contentLength) > MAX_BODY_BYTES) {
      reply(req, 413, "body larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    String encoding = req.getHeader("Content-Encoding");
    req.body()
        .onSuccess(body -> receive(req, body, encoding))
        .onFailure(t -> reply(req, 400, "could not read the body: " + t.getMessage()));
  }

  private void receive(HttpServerRequest req, Buffer body, String encoding) {
    if (body.length() > MAX_BODY_BYTES) {
      reply(req, 413, "body larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    ExportTraceServiceRequest export;
    try {
      export = ExportTraceServiceRequest.parseFrom(decompress(body.getBytes(), encoding));
    } catch (InvalidProtocolBufferException e) {
      reply(req, 400, "not an ExportTraceServiceRequest: " + e.getMessage());
      return;
    } catch (IOException | IllegalArgumentException e) {
      reply(req, 400, "could not decode the body: " + e.getMessage());
      return;
    }
    List<ReceivedSpan> received;
    try {
      received = convert(export);
    } catch (IllegalArgumentException e) {
      reply(req, 400, e.getMessage());
      return;
    }
    synchronized (spans) {
      spans.addAll(received);
    }
    LOG.debug("received {} spans", received.size());
    req.response()
        .setStatusCode(200)
        .putHeader("Content-Type", PROTOBUF)
        .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
  }

  private void handleGrpc(HttpServerRequest req) {
    String type = req.getHeader("Content-Type");
    if (req.version() != HttpVersion.HTTP_2
        || req.method() != HttpMethod.POST
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
      reply(req, 415, "gRPC needs HTTP/2, POST and Content-Type application/grpc");
      return;
    }
    req.body()
        .onSuccess(body -> receiveGrpc(req, body))
        .onFailure(t -> grpcStatus(req, 13, "could not read the body: " + t.getMessage(), null));
  }

  private void receiveGrpc(HttpServerRequest req, Buffer body) {
    if (body.length() < 5) {
      grpcStatus(req, 3, "no length-prefixed message", null);
      return;
    }
    int compressed = body.getByte(0);
    long length = body.getUnsignedInt(1);
    if (length > MAX_BODY_BYTES || 5 + length != body.length()) {
      grpcStatus(req, 3, "expected one message of " + length + " bytes", null);
      return;
    }
    byte[] message = body.getBytes(5, body.length());
    List<ReceivedSpan> received;
    try {
      if (compressed != 0) {
        String encoding = req.getHeader("grpc-encoding");
        if (!"gzip".equalsIgnoreCase(encoding)) {
          grpcStatus(req, 12, "unsupported grpc-encoding " + encoding, null);
          return;
        }
        message = decompress(message, "gzip");
      }
      received = convert(ExportTraceServiceRequest.parseFrom(message));
    } catch (IOException | IllegalArgumentException e) {
      grpcStatus(req, 3, "not an ExportTraceServiceRequest: " + e.getMessage(), null);
      return;
    }
    synchronized (spans) {
      spans.addAll(received);
    }
    LOG.debug("received {} spans over gRPC", received.size());
    byte[] out = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    grpcStatus(
        req,
        0,
        null,
        Buffer.buffer().appendByte((byte) 0).appendUnsignedInt(out.length).appendBytes(out));
  }

  /** A gRPC answer: HTTP 200, the message if any, and the status in the trailers. */
  private static void grpcStatus(HttpServerRequest req, int status, String message, Buffer body) {
    HttpServerResponse r = req.response().setStatusCode(200);
    r.putHeader("Content-Type", "application/grpc");
    r.putTrailer("grpc-status", Integer.toString(status));
    if (message != null) {
      LOG.debug("answering gRPC export with status {}: {}", status, message);
      r.putTrailer("grpc-message", message.replaceAll("[^ -~]|%", "?"));
    }
    if (body == null) {
      r.end();
    } else {
      r.end(body);
    }
  }

  private static byte[] decompress(byte[] body, String encoding) throws IOException {
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      return body;
    }
    if (!encoding.equalsIgnoreCase("gzip")) {
      throw new IllegalArgumentException("unsupported Content-Encoding " + encoding);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      byte[] out = in.readNBytes(MAX_BODY_BYTES + 1);
      if (out.length > MAX_BODY_BYTES) {
        throw new IllegalArgumentException("inflated body larger than " + MAX_BODY_BYTES);
      }
      return out;
    }
  }

  /**
   * Flattens an export into spans.
   *
   * @throws IllegalArgumentException when a span's trace id is not 16 bytes or its span id not 8
   */
  static List<ReceivedSpan> convert(ExportTraceServiceRequest export) {
    List<ReceivedSpan> out = new ArrayList<>();
    for (ResourceSpans rs : export.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.add(convert(s));
        }
      }
    }
    return out;
  }

  private static ReceivedSpan convert(Span s) {
    if (s.getTraceId().size() != 16 || s.getSpanId().size() != 8) {
      throw new IllegalArgumentException(
          "span \"" + s.getName() + "\" has a trace id or span id of the wrong length");
    }
    if (!s.getParentSpanId().isEmpty() && s.getParentSpanId().size() != 8) {
      throw new IllegalArgumentException(
          "span \"" + s.getName() + "\" has a parent span id of the wrong length");
    }
    String parent =
        s.getParentSpanId().isEmpty() ? null : HEX.formatHex(s.getParentSpanId().toByteArray());
    return new ReceivedSpan(
        HEX.formatHex(s.getTraceId().toByteArray()),
        HEX.formatHex(s.getSpanId().toByteArray()),
        parent,
        s.getName(),
        s.getStartTimeUnixNano(),
        s.getEndTimeUnixNano(),
        attributes(s.getAttributesList()),
        s.getStatus().getCode().name().replace("STATUS_CODE_", ""),
        s.getKind().name().replace("SPAN_KIND_", ""));
  }

  private static Map<String, Object> attributes(List<KeyValue> kvs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      Object v = value(kv.getValue());
      if (v != null) {
        m.put(kv.getKey(), v);
      }
    }
    return m;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> HEX.formatHex(v.getBytesValue().toByteArray());
      case ARRAY_VALUE ->
          v.getArrayValue().getValuesList().stream()
              .map(OtlpReceiver::value)
              .filter(x -> x != null)
              .toList();
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      default -> null;
    };
  }

  private static void reply(HttpServerRequest req, int status, String reason) {
    LOG.debug("answering {} {} with {}: {}", req.method(), req.path(), status, reason);
    HttpServerResponse r = req.response().setStatusCode(status);
    r.putHeader("Content-Type", "text/plain; charset=utf-8").end(reason);
  }
}
