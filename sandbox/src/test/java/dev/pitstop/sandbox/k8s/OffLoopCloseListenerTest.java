package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffLoopCloseListenerTest {
  private Vertx vertx;
  private WorkerExecutor workers;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("off-loop-test", 1);
  }

  @AfterEach
  void stop() {
    workers.close();
    vertx.close().await();
  }

  /**
   * The mock's watch listener blocks in onClosed until its pending send is written, which needs the
   * calling event loop: the wrapper must return at once and let a worker wait.
   */
  @Test
  void onClosedReturnsBeforeTheBlockingDelegateFinishesAndRunsItOnAnotherThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean releasedInTime = new AtomicBoolean();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    WebSocketListener blocking =
        new WebSocketListener() {
          @Override
          public void onClosed(WebSocket webSocket, int code, String reason) {
            ranOn.set(Thread.currentThread());
            try {
              // Inline, this would wait for the caller, who waits for us: bounded so that the
              // test fails instead of hanging.
              releasedInTime.set(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            done.countDown();
          }
        };

    new OffLoopCloseListener(blocking, workers).onClosed(null, 1000, "bye");
    release.countDown();

    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(releasedInTime).isTrue();
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
  }

  @Test
  void onFailureAlsoRunsOffTheCallingThreadAndOtherCallbacksPassThrough() throws Exception {
    CountDownLatch failed = new CountDownLatch(1);
    AtomicReference<Thread> failedOn = new AtomicReference<>();
    AtomicReference<String> message = new AtomicReference<>();
    WebSocketListener delegate =
        new WebSocketListener() {
          @Override
          public void onMessage(WebSocket webSocket, String text) {
            message.set(text);
          }

          @Override
          public void onFailure(
              WebSocket webSocket, Throwable error, io.fabric8.mockwebserver.http.Response r) {
            failedOn.set(Thread.currentThread());
            failed.countDown();
          }
        };
    OffLoopCloseListener l = new OffLoopCloseListener(delegate, workers);

    l.onMessage(null, "hello");
    assertThat(message.get()).isEqualTo("hello");
    l.onFailure(null, new IllegalStateException("reset"), null);
    assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(failedOn.get()).isNotSameAs(Thread.currentThread());
  }
}
