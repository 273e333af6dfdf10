package dev.pitstop.sandbox.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpReceiverIT {
  private static final HexFormat HEX = HexFormat.of();
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private Vertx vertx;
  private OtlpReceiver receiver;
  private HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    receiver = OtlpReceiver.start(vertx, 0).await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    receiver.close().await();
    vertx.close().await();
  }

  private record Reply(int status, Buffer body) {}

  private Reply post(String contentType, byte[] body) {
    URI uri = URI.create(receiver.endpoint());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getPath())
            .putHeader("Content-Type", contentType);
    return client
        .request(options)
        .compose(r -> r.send(Buffer.buffer(body)))
        .compose((HttpClientResponse r) -> r.body().map(b -> new Reply(r.statusCode(), b)))
        .await();
  }

  private static KeyValue kv(String key, AnyValue v) {
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  @Test
  void decodesAProtobufExportIntoSpansAndAnswersWithAnEmptyResponse() throws Exception {
    Span root =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HEX.parseHex(TRACE)))
            .setSpanId(ByteString.copyFrom(HEX.parseHex("b7ad6b7169203331")))
            .setName("build")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(1_000)
            .setEndTimeUnixNano(5_000)
            .addAttributes(
                kv("cicd.pipeline.name", AnyValue.newBuilder().setStringValue("build").build()))
            .addAttributes(
                kv("tekton.step.exit_code", AnyValue.newBuilder().setIntValue(2).build()))
            .addAttributes(
                kv(
                    "tags",
                    AnyValue.newBuilder()
                        .setArrayValue(
                            ArrayValue.newBuilder()
                                .addValues(AnyValue.newBuilder().setStringValue("a"))
                                .addValues(AnyValue.newBuilder().setBoolValue(true)))
                        .build()))
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
            .build();
    Span child =
        root.toBuilder()
            .clearAttributes()
            .setSpanId(ByteString.copyFrom(HEX.parseHex("00f067aa0ba902b7")))
            .setParentSpanId(root.getSpanId())
            .setName("compile")
            .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
            .clearStatus()
            .build();
    ExportTraceServiceRequest export =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(root).addSpans(child)))
            .build();

    Reply reply = post("application/x-protobuf", export.toByteArray());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(reply.body().getBytes()).hasPartialSuccess())
        .isFalse();
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(spans).hasSize(2);
    ReceivedSpan r = spans.get(0);
    assertThat(r.traceId()).isEqualTo(TRACE);
    assertThat(r.spanId()).isEqualTo("b7ad6b7169203331");
    assertThat(r.isRoot()).isTrue();
    assertThat(r.kind()).isEqualTo("SERVER");
    assertThat(r.statusCode()).isEqualTo("ERROR");
    assertThat(r.startEpochNanos()).isEqualTo(1_000);
    assertThat(r.endEpochNanos()).isEqualTo(5_000);
    assertThat(r.attributes())
        .containsEntry("cicd.pipeline.name", "build")
        .containsEntry("tekton.step.exit_code", 2L)
        .containsEntry("tags", List.of("a", true));
    ReceivedSpan c = spans.get(1);
    assertThat(c.parentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(c.kind()).isEqualTo("INTERNAL");
    assertThat(c.statusCode()).isEqualTo("UNSET");
    assertThat(receiver.trace(TRACE)).hasSize(2);
  }

  @Test
  void answers400WithAReasonForABodyThatIsNotAnExport() {
    Reply reply = post("application/x-protobuf", new byte[] {(byte) 0xff, 0x01, 0x02});

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().toString()).isNotBlank();
    assertThat(receiver.spans()).isEmpty();
  }

  @Test
  void answers415ForJson() {
    Reply reply = post("application/json", "{}".getBytes());

    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.body().toString()).contains("application/x-protobuf");
  }

  private record GrpcReply(int status, String contentType, String grpcStatus, Buffer body) {}

  /** A gRPC call as a gRPC client makes it: h2c with prior knowledge, one framed message. */
  private GrpcReply grpc(byte[] framed) {
    HttpClient h2 =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    URI uri = URI.create(receiver.grpcEndpoint());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(OtlpReceiver.GRPC_PATH)
            .putHeader("Content-Type", "application/grpc")
            .putHeader("te", "trailers");
    return h2.request(options)
        .compose(r -> r.send(Buffer.buffer(framed)))
        .compose(
            (HttpClientResponse r) ->
                r.body()
                    .map(
                        b ->
                            new GrpcReply(
                                r.statusCode(),
                                r.getHeader("Content-Type"),
                                r.getTrailer("grpc-status"),
                                b)))
        .eventually(h2::close)
        .await();
  }

  private static byte[] frame(byte[] message) {
    return Buffer.buffer()
        .appendByte((byte) 0)
        .appendUnsignedInt(message.length)
        .appendBytes(message)
        .getBytes();
  }

  @Test
  void servesOtlpGrpcOverH2cOnTheSamePort() throws Exception {
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HEX.parseHex(TRACE)))
            .setSpanId(ByteString.copyFrom(HEX.parseHex("b7ad6b7169203331")))
            .setName("build")
            .setStartTimeUnixNano(1_000)
            .setEndTimeUnixNano(5_000)
            .build();
    ExportTraceServiceRequest export =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
            .build();

    GrpcReply reply = grpc(frame(export.toByteArray()));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo("application/grpc");
    assertThat(reply.grpcStatus()).isEqualTo("0");
    assertThat(reply.body().getByte(0)).isZero();
    assertThat(reply.body().getUnsignedInt(1)).isEqualTo(reply.body().length() - 5L);
    assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("build");
  }

  @Test
  void answersGrpcInvalidArgumentForAMessageThatIsNotAnExport() {
    GrpcReply reply = grpc(frame(new byte[] {(byte) 0xff, 0x01, 0x02}));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.grpcStatus()).isEqualTo("3");
    assertThat(receiver.spans()).isEmpty();
  }
}
