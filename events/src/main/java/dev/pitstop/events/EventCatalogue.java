package dev.pitstop.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code docs/events.md}, the event catalogue, from {@link EventType} and {@link
 * SampleEvents}, so the documented examples are exactly what the code emits ({@code
 * EventCatalogueTest} fails when the file is stale; {@code -Dpitstop.catalogue.write=true} makes it
 * rewrite the file).
 */
public final class EventCatalogue {
  private EventCatalogue() {}

  /** The markdown of the catalogue. */
  public static String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(
        """
        # Pitstop events (contract v1)

        Generated from `events/src/main/java/dev/pitstop/events/SampleEvents.java` by `EventCatalogue`;
        `EventCatalogueTest` fails when this file is stale (regenerate with
        `./mvnw -q -pl events test -Dpitstop.catalogue.write=true`).

        Every event is a CloudEvent 1.0. On Kafka it travels in **binary content mode** (`ce_*` headers, the
        JSON data as the record value); in `pitstop demo --events-out` and webhook bodies in structured mode it
        looks like the examples below.

        | attribute | value |
        |---|---|
        | `type` | `dev.pitstop.<object>.<verb>.v1` |
        | `source` | `/pitstop/<cluster>/<service>` |
        | `subject` | `<namespace>/<plural>/<name>[/steps/<step>]`, e.g. `ci/taskruns/build-x7k2p-compile/steps/test` |
        | `id` | 32 hex chars: SHA-256 of (object UID, transition, step, retry); a relist re-emits the same id. Commands: the request id |
        | `time` | observations: the cluster's time of the fact (`startTime`, `finishedAt`, `lastTransitionTime`, the marker line's kubelet timestamp); decisions: the time decided |
        | `partitionkey` | the root run's UID (the PipelineRun's, or a standalone TaskRun's); also the Kafka record key |
        | `datacontenttype` | `application/json` |

        Order is guaranteed per subject (one partition per root run); across subjects of one run, consumers rely
        on `time`, not arrival order.

        ## Topics

        | topic (default prefix `pitstop.`, `PITSTOP_TOPIC_PREFIX`) | carries | written by |
        |---|---|---|
        | `pitstop.observations` | `pipelinerun.*`, `taskrun.*`, `step.*` | watcher |
        | `pitstop.decisions` | `breakpoint.*`, `command.rejected`; `delivery.*` | breakpoint-engine; notifier (delivery results) |
        | `pitstop.commands` | `command.continue`, `command.failcontinue` | engine HTTP API (later: notifier's Slack endpoint) |
        | `pitstop.deadletter` | records a consumer could not decode or handle, unchanged, with headers `pitstop-dlq-reason`, `-topic`, `-partition`, `-offset`, `-consumer` | every consumer |

        ## Types

        | type | topic | data |
        |---|---|---|
        """);
    for (EventType t : EventType.values()) {
      b.append("| `")
          .append(t.type())
          .append("` | ")
          .append(t.topicKind().name().toLowerCase().replace('_', ' '))
          .append(" | `")
          .append(t.dataClass().getSimpleName())
          .append("` |\n");
    }
    b.append("\n## Examples\n");
    for (EventType t : EventType.values()) {
      b.append("\n### `").append(t.type()).append("`\n\n");
      b.append(javadocSummary(t)).append("\n\n```json\n");
      b.append(pretty(EventCodec.toStructuredJson(SampleEvents.of(t)))).append("\n```\n");
    }
    return b.toString();
  }

  private static String javadocSummary(EventType t) {
    return switch (t) {
      case PIPELINERUN_STARTED -> "A PipelineRun got its `status.startTime` (watcher).";
      case PIPELINERUN_FINISHED ->
          "A PipelineRun's `Succeeded` condition became True or False; Tekton's reason and message, skipped tasks.";
      case TASKRUN_STARTED -> "A TaskRun got its `status.startTime`.";
      case TASKRUN_FINISHED -> "A TaskRun's `Succeeded` condition became True or False.";
      case STEP_STARTED ->
          "A step could start: the previous step terminated (step 0: the Pod initialized). The real command start comes with `step.finished`.";
      case STEP_FINISHED ->
          "A `status.steps[]` entry terminated: exit code, Tekton's `terminationReason`, the entrypoint's real `startedAt`.";
      case STEP_BREAKPOINT_REACHED ->
          "The step's log shows Tekton's breakpoint marker line: the step waits (observation; the engine decides `paused`).";
      case BREAKPOINT_PAUSED ->
          "The engine's decision: the step waits at a breakpoint until released.";
      case BREAKPOINT_CONTINUED ->
          "The engine released the paused step: who asked, through what, which action, and how"
              + " (`releasedThrough`: `exec` of Tekton's debug script in the step's container, or"
              + " `ephemeralContainer` when the step's image has no shell; `releaseContainer`"
              + " names the container that did it).";
      case BREAKPOINT_ENDED ->
          "A pause ended without a release through Pitstop: the TaskRun timed out, was cancelled or deleted, or the step went on.";
      case COMMAND_REJECTED ->
          "A command was not carried out (e.g. a second continue: `NotPaused`).";
      case COMMAND_CONTINUE -> "A request to continue a paused step, with the caller's identity.";
      case COMMAND_FAIL_CONTINUE -> "A request to fail the paused step and continue the TaskRun.";
      case TASKRUN_PENDING ->
          "A TaskRun exists with `spec.status: TaskRunPending`: no Pod, no start time, no timeout clock (watcher).";
      case HOLD_HELD ->
          "The engine's decision: a TaskRun Pitstop created pending is held until released; which breakpoint holds it.";
      case HOLD_RELEASED ->
          "A held TaskRun was released: `continue` cleared `spec.status`; `fail-continue` cancelled it (`TaskRunCancelled`, a failed task). Who, through what.";
      case HOLD_ENDED ->
          "A hold ended without a release through Pitstop: the run finished, timed out, was cancelled or deleted, or someone else started it.";
      case BREAKPOINT_WARNING ->
          "Something about a run's breakpoints a person must know: an invalid annotation, a breakpoint not injected (alpha fields off), a deadline coming, an automatic action taken by policy, a step image without a shell (`NoShell`: the release goes through an ephemeral container).";
      case POD_SCHEDULED ->
          "A TaskRun's Pod was scheduled: `creationTimestamp` and the `PodScheduled` condition's `lastTransitionTime`.";
      case POD_INITIALIZED ->
          "A TaskRun's Pod is initialized: the `Initialized` condition's time and every init container's `terminated.startedAt`/`finishedAt` (Tekton's `prepare`, `place-scripts`).";
      case POD_READY ->
          "A TaskRun's Pod has its containers ready (`ContainersReady`) and, with sidecars, Tekton's `tekton.dev/ready=READY`; waiting reasons seen (image pulls).";
      case DELIVERY_DELIVERED ->
          "The notifier delivered an event to an endpoint (webhook 2xx, Slack `ok`), after how many attempts.";
      case DELIVERY_FAILED ->
          "One delivery attempt failed (network error, 5xx, 429...); the notifier will try again.";
      case DELIVERY_DEADLETTERED ->
          "The notifier gave up a delivery (or refused an annotation's subscription, attempts 0); the event is on the dead-letter topic.";
    };
  }

  private static String pretty(String json) {
    try {
      JsonNode n = EventCodec.mapper().readTree(json);
      return EventCodec.mapper()
          .copy()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the catalogue to {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), markdown(), StandardCharsets.UTF_8);
  }
}
