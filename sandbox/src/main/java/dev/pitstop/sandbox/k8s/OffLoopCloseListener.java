package dev.pitstop.sandbox.k8s;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.WorkerExecutor;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the WebSocket listener of a watch served by fabric8's mock so that its close and failure
 * callbacks run on a worker, not on the server's event loop.
 *
 * <p>Why: the mock's {@code WatchEventsListener.onClosed}/{@code onFailure} (kubernetes-server-mock
 * 7.8.0) shut its send executor down and wait for it on the event loop that called them, while a
 * send still queued there waits (up to 30 s, {@code VertxMockWebSocket.send}, fabric8 PR #7787) for
 * a write that only that event loop can complete. A client closing a watch while an event is on its
 * way -- every informer stop, e.g. a watcher losing its Lease -- froze the whole sandbox API for 30
 * s ("Thread blocked" in {@code WatchEventsListener.onClosed}), so other clients' requests timed
 * out. The other callbacks are passed through on the calling thread.
 */
final class OffLoopCloseListener extends WebSocketListener {
  private static final Logger LOG = LoggerFactory.getLogger(OffLoopCloseListener.class);

  private final WebSocketListener delegate;
  private final WorkerExecutor workers;

  /**
   * @param delegate the mock's listener
   * @param workers where {@link #onClosed} and {@link #onFailure} run the delegate's
   */
  OffLoopCloseListener(WebSocketListener delegate, WorkerExecutor workers) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.workers = Objects.requireNonNull(workers, "workers");
  }

  @Override
  public void onBeforeAccept(WebSocket webSocket, Response response) {
    delegate.onBeforeAccept(webSocket, response);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    delegate.onOpen(webSocket, response);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(webSocket, text);
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    delegate.onMessage(webSocket, bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    delegate.onClosing(webSocket, code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    offLoop(() -> delegate.onClosed(webSocket, code, reason), "close");
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable error, Response response) {
    offLoop(() -> delegate.onFailure(webSocket, error, response), "failure");
  }

  private void offLoop(Runnable callback, String what) {
    workers
        .executeBlocking(
            () -> {
              callback.run();
              return null;
            },
            false)
        .onFailure(e -> LOG.warn("Watch {} handling failed", what, e));
  }
}
