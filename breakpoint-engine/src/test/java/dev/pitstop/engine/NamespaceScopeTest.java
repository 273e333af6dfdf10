package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.runtime.config.ConfigException;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code ENGINE_NAMESPACES}: parsing, and the engine serving only the listed namespaces. */
class NamespaceScopeTest {
  final List<PitstopEvent> published = new CopyOnWriteArrayList<>();

  @Test
  void parsesACommaListOfNamespaceNamesAndEmptyMeansAll() {
    NamespaceScope s = NamespaceScope.parse(" ci-team-a, ci-team-b ,,", "ENGINE_NAMESPACES");
    assertThat(s.names()).containsExactly("ci-team-a", "ci-team-b");
    assertThat(s.all()).isFalse();
    assertThat(s.contains("ci-team-b")).isTrue();
    assertThat(s.contains("ci")).isFalse();
    assertThat(s.contains(null)).isFalse();
    assertThat(NamespaceScope.parse("", "K")).isEqualTo(NamespaceScope.ALL);
    assertThat(NamespaceScope.parse(null, "K").contains("anything")).isTrue();
  }

  @Test
  void refusesWhatIsNotADns1123LabelNamingTheKey() {
    for (String bad :
        List.of("CI", "ci_team", "-ci", "ci-", "a".repeat(64), "ci/team", "ci.team")) {
      assertThatThrownBy(() -> NamespaceScope.parse("ok," + bad, "ENGINE_NAMESPACES"))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("ENGINE_NAMESPACES: \"")
          .hasMessageContaining("not a namespace name");
    }
    assertThat(NamespaceScope.parse("a".repeat(63), "K").names()).hasSize(1);
  }

  BreakpointEngine engine(NamespaceScope scope) {
    BreakpointEngine e =
        new BreakpointEngine(
            new BreakpointBook(new EventFactory("c1", "breakpoint-engine"), Clock.systemUTC()),
            new EventFactory("c1", "breakpoint-engine-api"),
            Clock.systemUTC(),
            ev -> {
              published.add(ev);
              return Future.succeededFuture();
            },
            x -> Future.succeededFuture(new ExecOutcome(x.key(), x.commandId(), 0, "")));
    e.serveOnly(scope);
    return e;
  }

  @Test
  void anObservationOfARunInAnUnlistedNamespaceIsIgnored() {
    PitstopEvent reached = SampleEvents.of(EventType.STEP_BREAKPOINT_REACHED);
    assertThat(reached.data().run().namespace()).isEqualTo("ci");
    BreakpointEngine outside = engine(NamespaceScope.parse("ci-team-a", "ENGINE_NAMESPACES"));
    outside.handle(reached).await();
    assertThat(published).isEmpty();
    assertThat(outside.waiting()).isEmpty();
    // Listed, the same observation pauses the step (so the test above can fail).
    BreakpointEngine inside = engine(NamespaceScope.parse("ci-team-a,ci", "ENGINE_NAMESPACES"));
    inside.handle(reached).await();
    assertThat(inside.waiting()).hasSize(1);
    assertThat(published).extracting(PitstopEvent::type).contains(EventType.BREAKPOINT_PAUSED);
  }

  @Test
  void aCommandForARunInAnUnlistedNamespaceIsRejectedSayingWhy() {
    BreakpointEngine outside = engine(NamespaceScope.parse("ci-team-a", "ENGINE_NAMESPACES"));
    outside.handle(SampleEvents.of(EventType.COMMAND_CONTINUE)).await();
    assertThat(published)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(EventType.COMMAND_REJECTED);
              CommandRejected r = (CommandRejected) e.data();
              assertThat(r.reason()).isEqualTo(CommandRejected.FORBIDDEN);
              assertThat(r.message())
                  .isEqualTo(
                      "namespace ci is not one this engine serves (ENGINE_NAMESPACES): it neither"
                          + " pauses nor releases runs there");
            });
  }
}
