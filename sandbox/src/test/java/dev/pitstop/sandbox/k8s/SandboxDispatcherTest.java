package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

class SandboxDispatcherTest {

  /**
   * fabric8's mock server answers nothing when its dispatcher throws (the client then times out
   * with "An error has occurred."): the sandbox answers 500 InternalError naming the failure, as
   * kube-apiserver does.
   */
  @Test
  void aFailingStoreIsAnswered500InternalErrorNamingTheCause() {
    KubernetesMixedDispatcher failing =
        new KubernetesMixedDispatcher(new HashMap<>()) {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            throw new IllegalStateException("store broke");
          }
        };
    SandboxDispatcher dispatcher =
        new SandboxDispatcher(
            failing, new PodLogs(), () -> null, null, AccessTable::new, () -> null);

    MockResponse response =
        dispatcher.dispatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.POST,
                "/apis/tekton.dev/v1/namespaces/default/taskruns",
                Headers.builder().build(),
                new Buffer("{}".getBytes(StandardCharsets.UTF_8))));

    assertThat(response.code()).isEqualTo(500);
    Status status =
        Serialization.unmarshal(
            new String(response.getBody().getBytes(), StandardCharsets.UTF_8), Status.class);
    assertThat(status.getReason()).isEqualTo("InternalError");
    assertThat(status.getMessage()).startsWith("Internal error occurred: ").contains("store broke");
  }
}
