package dev.pitstop.engine.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.annotation.BreakpointAnnotation.On;
import dev.pitstop.engine.annotation.BreakpointAnnotation.Result;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BreakpointAnnotationTest {

  private static BreakpointSpec valid(String json, On on) {
    Result r = BreakpointAnnotation.parse(json, on);
    assertThat(r).isInstanceOf(Result.Valid.class);
    return ((Result.Valid) r).spec();
  }

  private static Result.Invalid invalid(String json, On on) {
    Result r = BreakpointAnnotation.parse(json, on);
    assertThat(r).isInstanceOf(Result.Invalid.class);
    return (Result.Invalid) r;
  }

  @Test
  void readsEveryPipelineRunField() {
    BreakpointSpec s =
        valid(
            """
            {"onFailure":"enabled","beforeTasks":["deploy"],"onTasks":["notify"],
             "afterTasks":["compile"],"beforeSteps":["compile/test"],"onSteps":["lint/run"],
             "afterSteps":["compile/build"],"timeout":"30m","onTimeout":"fail-continue",
             "warnBefore":"5m"}""",
            On.PIPELINE_RUN);
    assertThat(s.onFailure()).isTrue();
    assertThat(s.beforeTasks()).containsExactlyInAnyOrder("deploy", "notify");
    assertThat(s.afterTasks()).containsExactly("compile");
    assertThat(s.beforeSteps())
        .containsExactlyInAnyOrder(
            new StepTarget("compile", "test"), new StepTarget("lint", "run"));
    assertThat(s.afterSteps()).containsExactly(new StepTarget("compile", "build"));
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.onTimeout()).isEqualTo(TimeoutPolicy.FAIL_CONTINUE);
    assertThat(s.warnBefore()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void absentOrBlankMeansNoBreakpoint() {
    assertThat(valid(null, On.PIPELINE_RUN)).isEqualTo(BreakpointSpec.NONE);
    assertThat(valid("  ", On.TASK_RUN).isEmpty()).isTrue();
    assertThat(BreakpointAnnotation.of(Map.of("x", "y"), On.TASK_RUN))
        .isEqualTo(new Result.Valid(BreakpointSpec.NONE));
  }

  @Test
  void taskRunStepsAreBareNamesAndTaskFieldsAreRejected() {
    BreakpointSpec s = valid("{\"afterSteps\":[\"build\"],\"onFailure\":true}", On.TASK_RUN);
    assertThat(s.afterSteps()).containsExactly(new StepTarget(null, "build"));
    Result.Invalid bad =
        invalid("{\"beforeTasks\":[\"x\"],\"beforeSteps\":[\"a/b\"]}", On.TASK_RUN);
    assertThat(bad.errors())
        .anySatisfy(e -> assertThat(e).contains("\"beforeTasks\" is allowed on a PipelineRun only"))
        .anySatisfy(e -> assertThat(e).contains("beforeSteps[0] \"a/b\" names a task"));
  }

  @Test
  void errorsNameTheFieldAndThePosition() {
    Result.Invalid bad =
        invalid(
            """
            {"befroeTasks":["x"],"beforeTasks":["Deploy","ok","ok"],"beforeSteps":["compile"],
             "timeout":"soon","onTimeout":"skip","onFailure":"yes"}""",
            On.PIPELINE_RUN);
    assertThat(bad.errors())
        .anySatisfy(e -> assertThat(e).startsWith("unknown field \"befroeTasks\""))
        .anySatisfy(e -> assertThat(e).startsWith("beforeTasks[0] \"Deploy\" is not a DNS-1123"))
        .anySatisfy(e -> assertThat(e).isEqualTo("beforeTasks[2] \"ok\" is listed twice"))
        .anySatisfy(e -> assertThat(e).startsWith("beforeSteps[0] \"compile\" is not task/step"))
        .anySatisfy(e -> assertThat(e).startsWith("timeout \"soon\" is not a Go duration"))
        .anySatisfy(e -> assertThat(e).startsWith("onTimeout must be"))
        .anySatisfy(e -> assertThat(e).startsWith("onFailure must be"));
    assertThat(bad.message()).startsWith("pitstop.dev/breakpoints is invalid: unknown field");
  }

  @Test
  void rejectsWhatIsNotAnObjectOrTooBig() {
    assertThat(invalid("[1]", On.PIPELINE_RUN).errors().get(0))
        .startsWith("expected a JSON object");
    assertThat(invalid("{\"beforeTasks\": [", On.PIPELINE_RUN).errors().get(0))
        .startsWith("not JSON at line 1");
    assertThat(invalid("{\"x\":\"" + "a".repeat(9000) + "\"}", On.PIPELINE_RUN).errors().get(0))
        .contains("more than 8192");
    StringBuilder many = new StringBuilder("{\"beforeTasks\":[");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
    }
    assertThat(invalid(many + "]}", On.PIPELINE_RUN).errors().get(0)).contains("65 entries");
    assertThat(invalid("{\"onTimeout\":\"leave\"}", On.PIPELINE_RUN).errors())
        .containsExactly("onTimeout needs a timeout");
    assertThat(invalid("{\"timeout\":\"48h\"}", On.PIPELINE_RUN).errors().get(0)).contains("24h");
  }

  @Test
  void neverThrowsOnRandomInput() {
    Random r = new Random(42);
    String alphabet = "{}[]\",:/ abcAZ09-.\\\u0000\u00e9";
    for (int n = 0; n < 5_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(60);
      if (r.nextBoolean()) {
        sb.append("{\"beforeTasks\":[");
      }
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      Result res = BreakpointAnnotation.parse(sb.toString(), On.PIPELINE_RUN);
      assertThat(res).isNotNull();
      if (res instanceof Result.Invalid i) {
        assertThat(i.errors()).isNotEmpty();
        assertThat(i.message().length()).isLessThanOrEqualTo(1_000);
      }
    }
  }
}
