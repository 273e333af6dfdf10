package dev.pitstop.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.TestEvents;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {
  private static final String YAML =
      """
      routes:
        - name: release-failures
          match:
            namespaces: [prod]
            pipelines: [build]
            types: [pipelinerun.finished]
            outcomes: [failed]
          webhook: https://oncall.example.com/pitstop
        - match: {namespaces: [ci], types: [dev.pitstop.breakpoint.paused.v1]}
          webhook: https://ci.example.com/hook
        - webhook: https://audit.example.com/all
      """;

  @Test
  void parsesRoutesAndMatchesByNamespacePipelineTypeAndOutcome() {
    Router router = new Router(Routes.parse(YAML));
    PitstopEvent failedProd = TestEvents.failedFinish("prod", "r1");
    PitstopEvent okProd = TestEvents.of(EventType.PIPELINERUN_FINISHED, "prod", Map.of(), "r2");
    PitstopEvent pausedCi = TestEvents.of(EventType.BREAKPOINT_PAUSED, "ci", Map.of(), "r3");
    PitstopEvent pausedProd = TestEvents.of(EventType.BREAKPOINT_PAUSED, "prod", Map.of(), "r4");

    assertThat(names(router.route(failedProd)))
        .containsExactly("https://oncall.example.com/pitstop", "https://audit.example.com/all");
    assertThat(names(router.route(okProd))).containsExactly("https://audit.example.com/all");
    assertThat(names(router.route(pausedCi)))
        .containsExactly("https://ci.example.com/hook", "https://audit.example.com/all");
    assertThat(names(router.route(pausedProd))).containsExactly("https://audit.example.com/all");
  }

  @Test
  void jsonIsAcceptedAndAnEmptyDocumentHasNoRoutes() {
    assertThat(
            Routes.parse(
                "{\"routes\": [{\"slack\": \"#ci\", \"match\": {\"namespaces\": \"ci\"}}]}"))
        .singleElement()
        .satisfies(s -> assertThat(s.endpoint()).isEqualTo(Endpoint.slack("#ci")));
    assertThat(Routes.parse("")).isEmpty();
  }

  @Test
  void mistakesAreNamedByRouteAndKey() {
    assertThatThrownBy(
            () -> Routes.parse("routes:\n  - webhook: https://a.example.com\n    mach: {}"))
        .hasMessageContaining("route 1")
        .hasMessageContaining("unknown key \"mach\"");
    assertThatThrownBy(
            () ->
                Routes.parse(
                    "routes:\n  - webhook: https://a.example.com\n    match: {types: [step.started]}"))
        .hasMessageContaining("route 1")
        .hasMessageContaining("not delivered");
    assertThatThrownBy(() -> Routes.parse("routes:\n  - name: x\n    match: {}"))
        .hasMessageContaining("route 1 (x)")
        .hasMessageContaining("exactly one of webhook and slack");
    assertThatThrownBy(
            () ->
                Routes.parse(
                    "routes:\n  - webhook: https://a.example.com\n    match: {outcomes: [maybe]}"))
        .hasMessageContaining("outcome");
    assertThatThrownBy(() -> Routes.parse("routes:\n  - webhook: ftp://a.example.com/"))
        .hasMessageContaining("http(s)");
  }

  @Test
  void aWebhookRouteKeepsItsQueryButIsNamedWithoutIt() {
    Subscription s =
        Routes.parse("routes:\n  - webhook: https://a.example.com/h?token=s3cret").get(0);
    assertThat(s.endpoint().url()).isEqualTo(URI.create("https://a.example.com/h?token=s3cret"));
    assertThat(s.endpoint().name()).doesNotContain("s3cret");
  }

  private static List<String> names(List<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::name).toList();
  }
}
