package dev.pitstop.tracer.span;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Span ids stay SHA-256 of their key (a replay must export the same ids as before) now that the
 * digest is cloned from a prototype and the builder memoizes ids per root.
 */
class SpanIdsTest {
  private static String sha256Prefix(String key, int bytes) throws Exception {
    byte[] full = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(full, 0, bytes);
  }

  @Test
  void idsAreTheSha256OfTheirKeys() throws Exception {
    String uid = "8d7c3a0e-1111-4222-8333-944445555666";
    assertThat(SpanIds.traceId(uid)).isEqualTo(sha256Prefix(uid, 16));
    assertThat(SpanIds.runSpanId(uid, 0)).isEqualTo(sha256Prefix(uid, 8));
    assertThat(SpanIds.runSpanId(uid, 2)).isEqualTo(sha256Prefix(uid + "/retry/2", 8));
    assertThat(SpanIds.stepSpanId(uid, 1, 3)).isEqualTo(sha256Prefix(uid + "/retry/1/step/3", 8));
    assertThat(SpanIds.pauseSpanId(uid, 0, "onFailure", 1))
        .isEqualTo(sha256Prefix(uid + "/breakpoint/onFailure/1", 8));
    assertThat(SpanIds.holdSpanId(uid, 0)).isEqualTo(sha256Prefix(uid + "/hold", 8));
    assertThat(SpanIds.podPhaseSpanId(uid, 0, "init/0"))
        .isEqualTo(sha256Prefix(uid + "/pod/init/0", 8));
    assertThat(SpanIds.skippedSpanId(uid, "lint"))
        .isEqualTo(sha256Prefix(uid + "/skipped/lint", 8));
  }

  @Test
  void memoizedIdsOfARootEqualTheDirectOnes() {
    RootRunFacts facts = new RootRunFacts("root-uid", null);
    for (int round = 0; round < 2; round++) { // the second round reads the memo
      assertThat(facts.spanId(SpanIds.runKey("tr", 1))).isEqualTo(SpanIds.runSpanId("tr", 1));
      assertThat(facts.spanId(SpanIds.stepKey("tr", 0, 4)))
          .isEqualTo(SpanIds.stepSpanId("tr", 0, 4));
      assertThat(facts.spanId(SpanIds.pauseKey("tr", 0, "beforeSteps", 0)))
          .isEqualTo(SpanIds.pauseSpanId("tr", 0, "beforeSteps", 0));
      assertThat(facts.spanId(SpanIds.holdKey("tr", 3))).isEqualTo(SpanIds.holdSpanId("tr", 3));
      assertThat(facts.spanId(SpanIds.podPhaseKey("tr", 0, "starting")))
          .isEqualTo(SpanIds.podPhaseSpanId("tr", 0, "starting"));
    }
  }

  @Test
  void concurrentCallersGetTheSameIds() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<List<String>> ids =
          () ->
              java.util.stream.IntStream.range(0, 2_000)
                  .mapToObj(i -> SpanIds.spanId("k" + i))
                  .toList();
      List<Future<List<String>>> results = pool.invokeAll(List.of(ids, ids, ids, ids));
      List<String> first = results.get(0).get();
      for (Future<List<String>> r : results) {
        assertThat(r.get()).isEqualTo(first);
      }
      assertThat(first.get(7)).isEqualTo(sha256Prefix("k7", 8));
    } finally {
      pool.shutdownNow();
    }
  }
}
