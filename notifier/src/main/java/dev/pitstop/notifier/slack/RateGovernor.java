package dev.pitstop.notifier.slack;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps Slack calls under about one message per second per channel (Slack's documented limit for
 * {@code chat.postMessage}, "Rate limits": special tier), coalescing bursts and honouring {@code
 * Retry-After}. Pure: the adapter asks {@link #next} when it may send and what, with the current
 * time.
 *
 * <p>Updates are keyed per channel by what they change (a card is the same key on every update),
 * and a newer update of a key replaces a pending one: 50 events of one run within a second become
 * one {@code chat.update} with the latest card. Keys wait in the order they were first offered.
 *
 * @param <T> a pending call (e.g. the card's latest content)
 */
public final class RateGovernor<T> {
  /**
   * A call that may go now.
   *
   * @param channel the channel
   * @param key what it updates
   * @param call the latest call offered for that key
   */
  public record Due<T>(String channel, String key, T call) {}

  private final Duration interval;
  private final Map<String, LinkedHashMap<String, T>> pending = new LinkedHashMap<>();
  private final Map<String, Instant> notBefore = new HashMap<>();

  /**
   * @param interval the least time between two calls to one channel (1 s for Slack)
   */
  public RateGovernor(Duration interval) {
    this.interval = interval;
  }

  /** Offers a call; a pending call of the same channel and key is replaced (coalesced). */
  public void offer(String channel, String key, T call) {
    pending.computeIfAbsent(channel, c -> new LinkedHashMap<>()).put(key, call);
  }

  /**
   * The next call that may go at {@code now}, removed from the pending ones; empty when none may.
   * The channel may then not be called again before {@code now + interval}.
   */
  public Optional<Due<T>> next(Instant now) {
    return next(now, c -> false);
  }

  /**
   * The next call that may go at {@code now} to a channel that is not {@code busy} (e.g. one call
   * of it still in flight), removed from the pending ones; empty when none may.
   */
  public Optional<Due<T>> next(Instant now, java.util.function.Predicate<String> busy) {
    for (Map.Entry<String, LinkedHashMap<String, T>> e : pending.entrySet()) {
      String channel = e.getKey();
      Instant nb = notBefore.get(channel);
      if (e.getValue().isEmpty() || (nb != null && now.isBefore(nb)) || busy.test(channel)) {
        continue;
      }
      Map.Entry<String, T> first = e.getValue().entrySet().iterator().next();
      e.getValue().remove(first.getKey());
      notBefore.put(channel, now.plus(interval));
      return Optional.of(new Due<>(channel, first.getKey(), first.getValue()));
    }
    return Optional.empty();
  }

  /**
   * Slack answered 429 with {@code Retry-After}: nothing goes to the channel before then, and the
   * refused call is offered again (unless a newer one of its key is pending).
   */
  public void throttled(String channel, String key, T call, Duration retryAfter, Instant now) {
    notBefore.put(channel, now.plus(retryAfter.compareTo(interval) < 0 ? interval : retryAfter));
    pending.computeIfAbsent(channel, c -> new LinkedHashMap<>()).putIfAbsent(key, call);
  }

  /**
   * A call to the channel ended at {@code now}: nothing goes to it before {@code now + interval}
   * (measured from the answer too, so that the spacing Slack sees between two requests is at least
   * the interval whatever the network's delays).
   */
  public void done(String channel, Instant now) {
    Instant at = now.plus(interval);
    notBefore.merge(channel, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** True when a call of this channel and key is pending. */
  public boolean isPending(String channel, String key) {
    LinkedHashMap<String, T> m = pending.get(channel);
    return m != null && m.containsKey(key);
  }

  /** When the next call may go, or empty when nothing is pending. */
  public Optional<Instant> nextAt(Instant now) {
    Instant best = null;
    for (Map.Entry<String, LinkedHashMap<String, T>> e : pending.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      Instant nb = notBefore.getOrDefault(e.getKey(), now);
      Instant at = nb.isBefore(now) ? now : nb;
      if (best == null || at.isBefore(best)) {
        best = at;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Calls pending, over all channels. */
  public int pending() {
    return pending.values().stream().mapToInt(Map::size).sum();
  }
}
