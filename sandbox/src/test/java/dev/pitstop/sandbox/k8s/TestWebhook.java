package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An HTTPS mutating webhook for tests: a Vert.x server on {@code https://localhost:<port>/mutate}
 * with a self-signed certificate for {@code localhost}; answers each AdmissionReview with what
 * {@code decide} returns (its {@code uid} is filled in), after {@code delayMs}.
 */
final class TestWebhook implements AutoCloseable {
  final List<AdmissionReview> received = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
  private final HttpServer server;
  volatile Function<AdmissionReview, AdmissionResponse> decide;
  volatile long delayMs;

  TestWebhook(Function<AdmissionReview, AdmissionResponse> decide) throws Exception {
    this.decide = decide;
    this.server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(cert.keyCertOptions())
                    .setHost("localhost")
                    .setPort(0))
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              AdmissionReview review =
                                  Serialization.unmarshal(body.toString(), AdmissionReview.class);
                              received.add(review);
                              AdmissionResponse r = this.decide.apply(review);
                              r.setUid(review.getRequest().getUid());
                              AdmissionReview out = new AdmissionReview();
                              out.setApiVersion("admission.k8s.io/v1");
                              out.setKind("AdmissionReview");
                              out.setResponse(r);
                              Runnable send =
                                  () ->
                                      req.response()
                                          .putHeader("Content-Type", "application/json")
                                          .end(Serialization.asJson(out));
                              if (delayMs > 0) {
                                vertx.setTimer(delayMs, t -> send.run());
                              } else {
                                send.run();
                              }
                            }))
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  URI url() {
    return URI.create("https://localhost:" + server.actualPort() + "/mutate");
  }

  byte[] caPem() throws Exception {
    return Files.readAllBytes(Path.of(cert.certificatePath()));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    cert.delete();
  }
}
