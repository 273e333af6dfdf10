package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link PodExec}'s side of the {@code v4.channel.k8s.io} protocol and its exec URL. */
class PodExecChannelsTest {
  /** A socket that counts the frames asked for. */
  static final class Socket implements WebSocket {
    final AtomicInteger requested = new AtomicInteger();

    @Override
    public boolean send(ByteBuffer buffer) {
      return true;
    }

    @Override
    public boolean sendClose(int code, String reason) {
      return true;
    }

    @Override
    public long queueSize() {
      return 0;
    }

    @Override
    public void request() {
      requested.incrementAndGet();
    }
  }

  static ByteBuffer frame(int channel, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(data.length + 1);
    b.put((byte) channel).put(data).flip();
    return b;
  }

  final Socket ws = new Socket();
  final PodExec.Channels ch = new PodExec.Channels();

  @Test
  void successIsExitZeroAndStderrIsCapturedAndEveryFrameIsAskedFor() {
    ch.onOpen(ws);
    ch.onMessage(ws, frame(1, "out"));
    ch.onMessage(ws, frame(2, "warning: x\n"));
    ch.onMessage(ws, frame(3, "{\"metadata\":{},\"status\":\"Success\"}"));
    ch.onClose(ws, 1000, "");
    assertThat(ch.exitCode.join()).isZero();
    assertThat(ch.errText()).isEqualTo("warning: x\n");
    assertThat(ch.closed).isDone();
    assertThat(ws.requested).hasValue(4);
  }

  @Test
  void aNonZeroExitCodeIsReadFromTheStatusCause() {
    ch.onMessage(
        ws,
        frame(
            3,
            """
            {"status":"Failure","reason":"NonZeroExitCode","message":"command terminated",
             "details":{"causes":[{"reason":"ExitCode","message":"126"}]}}"""));
    assertThat(ch.exitCode.join()).isEqualTo(126);
    assertThat(ch.errText()).as("the usual message is not added").isEmpty();
  }

  @Test
  void aFailureWithoutExitCodeIsMinusOneWithItsMessage() {
    ch.onMessage(ws, frame(2, "oops"));
    ch.onMessage(
        ws,
        frame(
            3,
            "{\"status\":\"Failure\",\"message\":\"exec: \\\"sh\\\": executable file not found"
                + " in $PATH\"}"));
    assertThat(ch.exitCode.join()).isEqualTo(-1);
    assertThat(ch.errText()).isEqualTo("oops\nexec: \"sh\": executable file not found in $PATH");
  }

  @Test
  void aCloseWithoutStatusHasNoExitCode() {
    ch.onMessage(ws, frame(1, "partial"));
    ch.onClose(ws, 1006, "gone");
    assertThat(ch.exitCode.join()).isNull();
  }

  @Test
  void anUnreadableStatusIsMinusOne() {
    ch.onMessage(ws, frame(3, "{not json"));
    assertThat(ch.exitCode.join()).isEqualTo(-1);
    assertThat(ch.errText()).contains("unreadable exec status");
  }

  @Test
  void theUrlCarriesEachArgumentEncodedTheContainerAndTheStreams() {
    Action.Exec x =
        new Action.Exec(
            new BreakpointKey("ns-a", "tr-1", "build"),
            "cmd-1",
            "ns-a",
            "tr-1-pod",
            "step-build",
            List.of("/tekton/debug/scripts/debug-continue", "a b&c"));
    URI u = PodExec.execUri("https://api.example:6443", x);
    assertThat(u.toString())
        .isEqualTo(
            "https://api.example:6443/api/v1/namespaces/ns-a/pods/tr-1-pod/exec"
                + "?command=%2Ftekton%2Fdebug%2Fscripts%2Fdebug-continue&command=a%20b%26c"
                + "&container=step-build&stdout=true&stderr=true");
    assertThat(PodExec.execUri("http://127.0.0.1:1/", x).toString())
        .startsWith("http://127.0.0.1:1/api/v1/namespaces/ns-a/pods/tr-1-pod/exec?");
  }
}
