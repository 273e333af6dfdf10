package dev.pitstop.sandbox.receivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WebhookReceiverIT {
  private Vertx vertx;
  private WebClient client;
  private WebhookReceiver receiver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    receiver = WebhookReceiver.start(vertx, 0).await();
  }

  @AfterEach
  void stop() {
    receiver.close().await();
    client.close();
    vertx.close().await();
  }

  private static CloudEvent event(String id, String contentType, String data) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withType("dev.pitstop.breakpoint.paused.v1")
        .withSource(URI.create("/pitstop/sandbox/breakpoint-engine"))
        .withSubject("ci/taskruns/build-x7k2p-compile/steps/test")
        .withDataContentType(contentType)
        .withData(data.getBytes(StandardCharsets.UTF_8))
        .withExtension("partitionkey", "6f1c1f4e")
        .build();
  }

  private HttpResponse<Buffer> postBinary(CloudEvent e) {
    return VertxMessageFactory.createWriter(client.postAbs(receiver.url())).writeBinary(e).await();
  }

  @Test
  void acceptsBinaryAndStructuredEventsAndTellsListeners() {
    List<CloudEvent> heard = new CopyOnWriteArrayList<>();
    receiver.onEvent(heard::add);

    assertThat(postBinary(event("e1", "application/json", "{\"a\":1}")).statusCode())
        .isEqualTo(204);
    HttpResponse<Buffer> structured =
        VertxMessageFactory.createWriter(client.postAbs(receiver.url()))
            .writeStructured(event("e2", "application/json", "{\"b\":2}"), new JsonFormat())
            .await();
    assertThat(structured.statusCode()).isEqualTo(204);

    assertThat(receiver.received()).extracting(CloudEvent::getId).containsExactly("e1", "e2");
    assertThat(receiver.received().get(0).getExtension("partitionkey")).isEqualTo("6f1c1f4e");
    assertThat(receiver.received().get(1).getSubject())
        .isEqualTo("ci/taskruns/build-x7k2p-compile/steps/test");
    assertThat(receiver.requests())
        .extracting(WebhookReceiver.Request::encoding)
        .containsExactly(Encoding.BINARY, Encoding.STRUCTURED);
    assertThat(heard).extracting(CloudEvent::getId).containsExactly("e1", "e2");
  }

  @Test
  void refusesWhatIsNoJsonCloudEventSayingWhy() {
    HttpResponse<Buffer> plain =
        client.postAbs(receiver.url()).sendBuffer(Buffer.buffer("{\"x\":1}")).await();
    assertThat(plain.statusCode()).isEqualTo(400);

    HttpResponse<Buffer> noId =
        client
            .postAbs(receiver.url())
            .putHeader("ce-specversion", "1.0")
            .putHeader("ce-type", "t")
            .putHeader("ce-source", "/s")
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{}"))
            .await();
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(noId.bodyAsString()).contains("id");

    HttpResponse<Buffer> xml = postBinary(event("e3", "application/xml", "<a/>"));
    assertThat(xml.statusCode()).isEqualTo(400);
    assertThat(xml.bodyAsString()).contains("not JSON");

    HttpResponse<Buffer> badJson = postBinary(event("e4", "application/json", "{oops"));
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(badJson.bodyAsString()).contains("data is not JSON");

    HttpResponse<Buffer> get = client.getAbs(receiver.url()).send().await();
    assertThat(get.statusCode()).isEqualTo(405);

    assertThat(receiver.received()).isEmpty();
    assertThat(receiver.requests()).hasSize(5).allMatch(r -> r.reason() != null);
  }

  @Test
  void answersScriptedFailuresThenAcceptsAgain() {
    receiver.failNext(2, 503);
    assertThat(postBinary(event("e1", "application/json", "{}")).statusCode()).isEqualTo(503);
    assertThat(postBinary(event("e1", "application/json", "{}")).statusCode()).isEqualTo(503);
    assertThat(postBinary(event("e1", "application/json", "{}")).statusCode()).isEqualTo(204);

    receiver.failNext(1, 429, Duration.ofSeconds(1));
    HttpResponse<Buffer> limited = postBinary(event("e2", "application/json", "{}"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isEqualTo("1");

    assertThat(receiver.received()).extracting(CloudEvent::getId).containsExactly("e1");
    assertThat(receiver.requests())
        .extracting(WebhookReceiver.Request::status)
        .containsExactly(503, 503, 204, 429);
  }
}
