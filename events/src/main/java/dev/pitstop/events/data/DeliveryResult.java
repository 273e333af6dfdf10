package dev.pitstop.events.data;

import java.time.Instant;

/**
 * What became of delivering one event to one notifier endpoint: data of {@code
 * dev.pitstop.delivery.delivered.v1}, {@code .failed.v1} (one attempt failed; another follows) and
 * {@code .deadlettered.v1} (given up: the event is on the dead-letter topic), so deliveries can be
 * traced and alerted on.
 *
 * @param run the run the delivered event is about
 * @param eventId the delivered event's id
 * @param eventType the delivered event's CloudEvents type
 * @param endpoint the endpoint's name: a URL without user info, query or fragment, or {@code
 *     slack:<channel>}
 * @param attempts attempts made so far (0 when the subscription was refused before any)
 * @param status the last HTTP status, or null when there was no answer
 * @param reason for a failure, why (bounded, printable); null when delivered
 * @param at when the result was known
 */
public record DeliveryResult(
    RunRef run,
    String eventId,
    String eventType,
    String endpoint,
    int attempts,
    Integer status,
    String reason,
    Instant at)
    implements EventData {}
