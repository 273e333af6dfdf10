package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A request to release a paused step: data of {@code dev.pitstop.command.continue.v1} and {@code
 * dev.pitstop.command.failcontinue.v1}.
 *
 * @param run the TaskRun (as far as the caller knows it: namespace, name, and uid when known)
 * @param step the step name
 * @param action continue or fail-continue (matches the event type)
 * @param requestedBy the caller's identity, stamped by the endpoint that accepted it
 * @param via {@code api}, {@code cli}, {@code slack}, {@code auto}
 * @param requestedAt when the endpoint accepted it
 * @param requestId unique per request (the CloudEvent id)
 */
public record Command(
    RunRef run,
    String step,
    Action action,
    Identity requestedBy,
    String via,
    Instant requestedAt,
    String requestId)
    implements EventData {}
