package dev.pitstop.notifier.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.notifier.delivery.AttemptResult;
import dev.pitstop.notifier.delivery.DeadLetterSink;
import dev.pitstop.notifier.delivery.DeliveryListener;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.notifier.state.NotifierState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack delivery: one {@link StatusCard} per run and channel, posted once ({@code
 * chat.postMessage}) and then updated in place ({@code chat.update}), with details as replies in
 * its thread. The adapter around the pure {@link StatusCard} and {@link RateGovernor}; the SDK's
 * blocking calls run on the named worker pool {@value #POOL}, everything else on one Vert.x
 * context.
 *
 * <p><b>Rate.</b> At most one call per channel at a time, and at least {@link
 * SlackSettings#interval()} between the end of one and the start of the next: a burst of events of
 * one run becomes one {@code chat.update} with the latest card (the governor keeps only the newest
 * card per run), while thread replies queue in order. A 429 holds the channel for its {@code
 * Retry-After} and the call is tried again.
 *
 * <p>A new instance waits one interval after its start before its first call to a channel (its
 * predecessor may have just called it).
 *
 * <p><b>State.</b> A posted card is kept under {@code slack-card|<channel>|<root run uid>} in the
 * {@link NotifierState} (a compacted topic): {@code {"channelId","ts","card"}} as JSON, written
 * after every successful call. A restarted notifier reads it back and updates the same message. A
 * finished run's key is tombstoned {@link SlackSettings#cardGrace()} after its last update (after a
 * restart, the grace counts from the restart). Events whose card or reply was sent are recorded as
 * {@code delivered|<id>|slack:<channel>} so a relist does not repeat replies.
 *
 * <p><b>Failures.</b> Transient errors (no answer, 5xx, Slack's {@code internal_error}...) are
 * retried with the retry policy's backoff, up to {@code maxAttempts}; then, as for other errors
 * ({@code channel_not_found}, {@code invalid_auth}, {@code invalid_blocks}...), the events the call
 * carried are dead-lettered. {@code chat.update} answering {@code message_not_found} (the card was
 * deleted in Slack) posts a new card.
 *
 * <p>Call every method on the context given to {@link #SlackCards}.
 */
public final class SlackCards {
  /** The worker pool's name. */
  public static final String POOL = "pitstop-slack";

  /** The state key prefix of cards. */
  public static final String KEY_PREFIX = "slack-card|";

  private static final Logger LOG = LoggerFactory.getLogger(SlackCards.class);

  /** A pending call: the card of a run, or one thread reply. */
  private sealed interface Call {}

  private record CardCall(String cardKey) implements Call {}

  private record ReplyCall(String cardKey, PitstopEvent event, String text, int attempts)
      implements Call {}

  /** A message only {@code user} sees, in the channel of a run's card ({@link #tell}). */
  private record EphemeralCall(
      String channelId, String user, String text, String eventId, int attempts) implements Call {}

  /** A run's card in one channel. */
  private static final class Entry {
    final String channel;
    final String key;
    StatusCard card;
    String channelId;
    String ts;
    List<PitstopEvent> unsent = new ArrayList<>();
    int attempts;
    long tombstoneTimer = -1;

    Entry(String channel, String key, StatusCard card) {
      this.channel = channel;
      this.key = key;
      this.card = card;
    }
  }

  /** What is kept in the state topic for a card. */
  record Stored(String channelId, String ts, StatusCard card) {}

  private final Vertx vertx;
  private final Context context;
  private final SlackSettings settings;
  private final SlackApi api;
  private final WorkerExecutor pool;
  private final NotifierState state;
  private final DeliveryListener listener;
  private final DeadLetterSink deadLetters;
  private final Clock clock;
  private final int maxAttempts;
  private final BiFunction<Integer, Duration, Duration> backoff;
  private final RateGovernor<Call> governor;
  private final Map<String, Entry> entries;
  private final Set<String> busy = new HashSet<>();
  private volatile BiFunction<BreakpointContinued, String, String> releaser = (c, dflt) -> dflt;
  private long timer = -1;
  private Instant timerAt;
  private int throttles;
  private boolean stopped;
  private int inFlight;
  private final Instant startedAt;
  private final Set<String> seenChannels = new HashSet<>();
  private final List<Future<Void>> writes = new ArrayList<>();
  private io.vertx.core.Promise<Void> drained;

  /**
   * @param context the context all of this runs on
   * @param state the notifier's state (cards' {@code ts}, delivered ids)
   * @param listener told of delivered and dead-lettered events (notable ones only)
   * @param deadLetters where events that could not be posted go
   * @param maxAttempts attempts per call on transient errors
   * @param backoff the wait after failed attempt {@code n}, given a floor ({@code Retry-After})
   */
  public SlackCards(
      Vertx vertx,
      Context context,
      SlackSettings settings,
      SlackApi api,
      NotifierState state,
      DeliveryListener listener,
      DeadLetterSink deadLetters,
      Clock clock,
      int maxAttempts,
      BiFunction<Integer, Duration, Duration> backoff) {
    this.vertx = vertx;
    this.context = context;
    this.settings = settings;
    this.api = api;
    this.pool = vertx.createSharedWorkerExecutor(POOL, settings.workers());
    this.state = state;
    this.listener = listener;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.governor = new RateGovernor<>(settings.interval());
    this.startedAt = clock.instant();
    int max = settings.maxCards();
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            Entry e = eldest.getValue();
            // Forget the oldest card in memory when it has nothing to send: a posted one is
            // read back from the state when its run speaks again.
            return size() > max && e.unsent.isEmpty() && !governor.isPending(e.channel, e.key);
          }
        };
    for (String key : state.keys(KEY_PREFIX)) {
      Stored s = read(state.get(key));
      if (s != null && s.card().runDone()) {
        scheduleTombstone(key, null);
      }
    }
  }

  /** The state key of a run's card in a channel. */
  public static String key(String channel, String rootUid) {
    return KEY_PREFIX + channel + "|" + rootUid;
  }

  /**
   * How the person who released a pause is shown on the card: given the event and the default
   * ({@link StatusCard#releasedBy}: a Slack mention for a click, else the user name), return the
   * text shown (e.g. a Slack mention {@code <@U0123>} for someone who clicked). For the
   * interactivity endpoint; call before events flow.
   */
  public void showReleasedBy(BiFunction<BreakpointContinued, String, String> releaser) {
    this.releaser = releaser;
  }

  /**
   * The pause a card shows, found by the message a button was clicked on, for the interactivity
   * endpoint (Slack sends {@code container.channel_id} and {@code container.message_ts}).
   *
   * @return the card's current pause, or empty when no card of this notifier is that message
   */
  public Optional<BreakpointPaused> pauseOf(String channelId, String ts) {
    for (Entry e : entries.values()) {
      if (ts.equals(e.ts) && channelId.equals(e.channelId)) {
        return Optional.ofNullable(e.card.paused());
      }
    }
    for (String key : state.keys(KEY_PREFIX)) {
      Stored s = read(state.get(key));
      if (s != null && ts.equals(s.ts()) && channelId.equals(s.channelId())) {
        return Optional.ofNullable(s.card().paused());
      }
    }
    return Optional.empty();
  }

  /** 429 answers received so far. */
  public int throttles() {
    return throttles;
  }

  /**
   * Folds an event into the run's card in {@code channel} and schedules the card's update and, when
   * the event has one, a thread reply. An event already delivered to the channel is dropped.
   */
  public void offer(String channel, PitstopEvent e) {
    if (stopped || !StatusCard.changesCard(e)) {
      return;
    }
    String endpoint = Endpoint.slack(channel).name();
    if (state.contains(NotifierState.deliveredKey(e.id(), endpoint))) {
      LOG.debug(
          "{} {} of {} was posted to {} before: dropped",
          e.id(),
          e.type().type(),
          e.data().run().display(),
          channel);
      return;
    }
    String key = key(channel, e.data().run().rootUid());
    Entry entry = entry(channel, key, e);
    StatusCard before = entry.card;
    entry.card =
        e.data() instanceof BreakpointContinued c
            ? before.released(c, releaser.apply(c, StatusCard.releasedBy(c)))
            : before.apply(e);
    if (entry.tombstoneTimer >= 0 && !entry.card.runDone()) {
      vertx.cancelTimer(entry.tombstoneTimer);
      entry.tombstoneTimer = -1;
    }
    if (entry.ts == null && !entry.card.worthPosting(settings.postOn())) {
      LOG.debug(
          "{} {} of {}: card for {} not posted yet ({})",
          e.id(),
          e.type().type(),
          e.data().run().display(),
          channel,
          settings.postOn());
      return;
    }
    entry.unsent.add(e);
    if (seenChannels.add(channel)) {
      // A previous instance may have called this channel just before it stopped: the first call
      // of this one waits an interval from the start, as if it had called then.
      governor.done(channel, startedAt);
    }
    governor.offer(channel, key, new CardCall(key));
    StatusCard.reply(e)
        .ifPresent(
            text -> governor.offer(channel, "reply|" + e.id(), new ReplyCall(key, e, text, 0)));
    pump();
  }

  private Entry entry(String channel, String key, PitstopEvent e) {
    Entry entry = entries.get(key);
    if (entry != null) {
      return entry;
    }
    Stored s = read(state.get(key));
    if (s != null) {
      entry = new Entry(channel, key, s.card());
      entry.channelId = s.channelId();
      entry.ts = s.ts();
      LOG.info(
          "{}: card of {} in {} read back from the state (ts {})",
          e.id(),
          s.card().run().display(),
          channel,
          s.ts());
    } else {
      entry = new Entry(channel, key, StatusCard.of(e.data().run()));
    }
    entries.put(key, entry);
    return entry;
  }

  private void pump() {
    if (stopped) {
      return;
    }
    Instant now = clock.instant();
    Optional<RateGovernor.Due<Call>> due;
    while ((due = governor.next(now, busy::contains)).isPresent()) {
      send(due.get());
    }
    governor.nextAt(now).ifPresent(this::wakeAt);
  }

  private void wakeAt(Instant at) {
    if (timer >= 0 && timerAt != null && !timerAt.isAfter(at)) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis());
    timerAt = at;
    timer =
        vertx.setTimer(
            delay,
            id ->
                context.runOnContext(
                    v -> {
                      if (timer == id) {
                        timer = -1;
                        timerAt = null;
                      }
                      pump();
                    }));
  }

  private void send(RateGovernor.Due<Call> due) {
    if (due.call() instanceof CardCall c) {
      sendCard(due, c);
    } else if (due.call() instanceof ReplyCall r) {
      sendReply(due, r);
    } else if (due.call() instanceof EphemeralCall m) {
      sendEphemeral(due, m);
    }
  }

  /**
   * Tells one Slack user something only they see ({@code chat.postEphemeral}) in each channel where
   * this notifier posted the card of the root run {@code rootUid}: the user clicked a button there.
   * Rate-governed per channel like the cards; transient errors and 429s are retried as thread
   * replies are, then the message is dropped with a warning (it is not an event delivery: nothing
   * is dead-lettered). Recorded in the state as delivered ({@code delivered|<eventId>|
   * slack-ephemeral:<channel>}) so a relist does not tell the user twice.
   *
   * @param user the Slack user id ({@code U…}/{@code W…}, checked by the caller)
   * @param eventId the event this answers (for the log and the state)
   * @return the channels it goes to; empty when this notifier has no posted card of the run
   */
  public List<String> tell(String rootUid, String user, String text, String eventId) {
    List<String> channels = new ArrayList<>();
    if (stopped) {
      return channels;
    }
    Map<String, String> cards = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      if (e.key.endsWith("|" + rootUid) && e.channelId != null) {
        cards.put(e.channel, e.channelId);
      }
    }
    for (String key : state.keys(KEY_PREFIX)) {
      if (!key.endsWith("|" + rootUid)) {
        continue;
      }
      String channel = key.substring(KEY_PREFIX.length(), key.length() - rootUid.length() - 1);
      Stored st = read(state.get(key));
      if (st != null && st.channelId() != null) {
        cards.putIfAbsent(channel, st.channelId());
      }
    }
    cards.forEach(
        (channel, channelId) -> {
          if (state.contains(ephemeralKey(eventId, channel))) {
            return;
          }
          channels.add(channel);
          governor.offer(
              channel,
              "ephemeral|" + eventId + "|" + user,
              new EphemeralCall(channelId, user, text, eventId, 0));
        });
    pump();
    return channels;
  }

  private static String ephemeralKey(String eventId, String channel) {
    return NotifierState.deliveredKey(eventId, "slack-ephemeral:" + channel);
  }

  private void sendEphemeral(RateGovernor.Due<Call> due, EphemeralCall m) {
    call(
        due,
        () -> api.postEphemeral(m.channelId(), m.user(), m.text()),
        a -> onEphemeral(due, m, a));
  }

  /**
   * Makes one Slack call on the worker pool (never on the event loop) for a due slot of its
   * channel's governor, then, back on this context, frees the channel, hands the answer (a failed
   * call as a retryable {@link SlackApi.Failed}) to {@code onAnswer} and pumps the next call.
   */
  private void call(
      RateGovernor.Due<Call> due,
      java.util.concurrent.Callable<SlackApi.Answer> slackCall,
      java.util.function.Consumer<SlackApi.Answer> onAnswer) {
    busy.add(due.channel());
    inFlight++;
    pool.<SlackApi.Answer>executeBlocking(slackCall, false)
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      busy.remove(due.channel());
                      governor.done(due.channel(), clock.instant());
                      onAnswer.accept(
                          ar.succeeded()
                              ? ar.result()
                              : new SlackApi.Failed("no answer: " + ar.cause(), true));
                      landed();
                      pump();
                    }));
  }

  private void onEphemeral(RateGovernor.Due<Call> due, EphemeralCall m, SlackApi.Answer a) {
    if (a instanceof SlackApi.Ok) {
      LOG.info("{}: told Slack user {} in {} (ephemeral)", m.eventId(), m.user(), due.channel());
      track(state.put(ephemeralKey(m.eventId(), due.channel()), "delivered"));
    } else if (a instanceof SlackApi.Throttled t) {
      throttles++;
      dev.pitstop.runtime.ops.Ops.of(vertx).metrics().slackRateLimited("chat.postEphemeral");
      governor.throttled(due.channel(), due.key(), m, t.retryAfter(), clock.instant());
    } else {
      SlackApi.Failed f = (SlackApi.Failed) a;
      int attempts = m.attempts() + 1;
      if (f.retryable() && attempts < maxAttempts) {
        governor.throttled(
            due.channel(),
            due.key(),
            new EphemeralCall(m.channelId(), m.user(), m.text(), m.eventId(), attempts),
            backoff.apply(attempts, Duration.ZERO),
            clock.instant());
      } else {
        LOG.warn(
            "{}: could not tell Slack user {} in {}: {} (after {} attempts)",
            m.eventId(),
            m.user(),
            due.channel(),
            f.error(),
            attempts);
      }
    }
  }

  private void sendCard(RateGovernor.Due<Call> due, CardCall c) {
    Entry entry = entries.get(c.cardKey());
    if (entry == null) {
      return;
    }
    StatusCard card = entry.card;
    List<PitstopEvent> carried = entry.unsent;
    entry.unsent = new ArrayList<>();
    String text = card.text();
    String blocks;
    try {
      blocks = EventCodec.mapper().writeValueAsString(card.blocks(clock.instant()));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("a card's blocks are plain maps", ex);
    }
    String ts = entry.ts;
    String channelId = entry.channelId;
    call(
        due,
        () ->
            ts == null
                ? api.post(due.channel(), text, blocks, null)
                : api.update(channelId, ts, text, blocks),
        a -> onCard(due, entry, carried, card, ts == null, a));
  }

  private void onCard(
      RateGovernor.Due<Call> due,
      Entry entry,
      List<PitstopEvent> carried,
      StatusCard card,
      boolean posted,
      SlackApi.Answer a) {
    if (a instanceof SlackApi.Ok ok) {
      entry.attempts = 0;
      if (posted) {
        entry.ts = ok.ts();
        entry.channelId = ok.channel();
        LOG.info(
            "card of {} posted to {} ({} ts {})",
            card.run().display(),
            entry.channel,
            ok.channel(),
            ok.ts());
      } else {
        LOG.debug("card of {} in {} updated", card.run().display(), entry.channel);
      }
      track(state.put(entry.key, write(new Stored(entry.channelId, entry.ts, card))));
      Endpoint endpoint = Endpoint.slack(entry.channel);
      for (PitstopEvent e : carried) {
        if (StatusCard.reply(e).isEmpty()) {
          markDelivered(e, endpoint, 1);
        }
      }
      if (card.runDone() && entry.card.runDone() && entry.unsent.isEmpty()) {
        scheduleTombstone(entry.key, entry);
      }
      return;
    }
    // Not taken: the events go back in front of those that came since.
    List<PitstopEvent> back = new ArrayList<>(carried);
    back.addAll(entry.unsent);
    entry.unsent = back;
    if (a instanceof SlackApi.Throttled t) {
      throttles++;
      dev.pitstop.runtime.ops.Ops.of(vertx)
          .metrics()
          .slackRateLimited(posted ? "chat.postMessage" : "chat.update");
      LOG.info(
          "{}: Slack answered 429, holding the channel for {} ms",
          entry.channel,
          t.retryAfter().toMillis());
      governor.throttled(due.channel(), due.key(), due.call(), t.retryAfter(), clock.instant());
      return;
    }
    SlackApi.Failed failed = (SlackApi.Failed) a;
    if (!posted && "message_not_found".equals(failed.error())) {
      LOG.warn(
          "card of {} in {} was deleted in Slack: posting a new one",
          card.run().display(),
          entry.channel);
      entry.ts = null;
      entry.channelId = null;
      governor.offer(due.channel(), due.key(), due.call());
      return;
    }
    entry.attempts++;
    if (failed.retryable() && entry.attempts < maxAttempts) {
      Duration wait = backoff.apply(entry.attempts, Duration.ZERO);
      LOG.info(
          "card of {} in {}: attempt {} failed ({}), retry in {} ms",
          card.run().display(),
          entry.channel,
          entry.attempts,
          failed.error(),
          wait.toMillis());
      governor.throttled(due.channel(), due.key(), due.call(), wait, clock.instant());
      return;
    }
    String reason = "slack: " + failed.error() + " (after " + entry.attempts + " attempts)";
    LOG.warn("card of {} in {}: giving up: {}", card.run().display(), entry.channel, reason);
    int attempts = entry.attempts;
    entry.attempts = 0;
    List<PitstopEvent> lost = entry.unsent;
    entry.unsent = new ArrayList<>();
    lost.forEach(e -> giveUp(e, Endpoint.slack(entry.channel), attempts, reason, failed));
  }

  private void sendReply(RateGovernor.Due<Call> due, ReplyCall r) {
    Entry entry = entries.get(r.cardKey());
    if (entry == null) {
      return;
    }
    if (entry.ts == null) {
      if (governor.isPending(due.channel(), r.cardKey()) || busy.contains(due.channel())) {
        // The card is not posted yet: the reply waits behind it.
        governor.offer(due.channel(), due.key(), r);
      } else {
        giveUp(
            r.event(),
            Endpoint.slack(entry.channel),
            r.attempts(),
            "slack: the card was not posted, so there is no thread to reply in",
            null);
      }
      return;
    }
    String ts = entry.ts;
    String channelId = entry.channelId;
    call(due, () -> api.post(channelId, r.text(), null, ts), a -> onReply(due, entry, r, a));
  }

  private void onReply(RateGovernor.Due<Call> due, Entry entry, ReplyCall r, SlackApi.Answer a) {
    Endpoint endpoint = Endpoint.slack(entry.channel);
    if (a instanceof SlackApi.Ok) {
      markDelivered(r.event(), endpoint, r.attempts() + 1);
    } else if (a instanceof SlackApi.Throttled t) {
      throttles++;
      dev.pitstop.runtime.ops.Ops.of(vertx).metrics().slackRateLimited("chat.postMessage");
      governor.throttled(due.channel(), due.key(), r, t.retryAfter(), clock.instant());
    } else {
      SlackApi.Failed f = (SlackApi.Failed) a;
      int attempts = r.attempts() + 1;
      if (f.retryable() && attempts < maxAttempts) {
        governor.throttled(
            due.channel(),
            due.key(),
            new ReplyCall(r.cardKey(), r.event(), r.text(), attempts),
            backoff.apply(attempts, Duration.ZERO),
            clock.instant());
      } else {
        giveUp(
            r.event(),
            endpoint,
            attempts,
            "slack: " + f.error() + " (after " + attempts + " attempts)",
            f);
      }
    }
  }

  /** Keeps a state write's future while calls are in flight, so {@link #stop} can wait for it. */
  private void track(Future<Void> write) {
    if (stopped) {
      writes.add(write);
    }
  }

  private void landed() {
    inFlight--;
    if (inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
  }

  private void markDelivered(PitstopEvent e, Endpoint endpoint, int attempts) {
    track(state.put(NotifierState.deliveredKey(e.id(), endpoint.name()), "delivered"));
    if (Router.isNotable(e)) {
      listener.delivered(e, endpoint, attempts, new AttemptResult.Delivered(200));
    }
  }

  private void giveUp(
      PitstopEvent e, Endpoint endpoint, int attempts, String reason, SlackApi.Failed last) {
    LOG.warn(
        "{}: dead-lettering {} {} of {} after {} attempts: {}",
        endpoint,
        e.id(),
        e.type().type(),
        e.data().run().display(),
        attempts,
        reason);
    if (Router.isNotable(e)) {
      listener.deadLettered(
          e,
          endpoint,
          attempts,
          reason,
          last == null ? null : new AttemptResult.Unreachable(last.error()));
    }
    deadLetters
        .deadLetter(e, endpoint, attempts, reason)
        .onFailure(
            t ->
                LOG.error(
                    "{}: LOST {} of {}: could not dead-letter: {}",
                    endpoint,
                    e.id(),
                    e.data().run().display(),
                    t.toString()));
  }

  private void scheduleTombstone(String key, Entry entry) {
    long id =
        vertx.setTimer(
            Math.max(1, settings.cardGrace().toMillis()),
            t ->
                context.runOnContext(
                    v -> {
                      Entry now = entries.get(key);
                      if (now != null && (!now.card.runDone() || !now.unsent.isEmpty())) {
                        return;
                      }
                      entries.remove(key);
                      state.remove(key);
                      LOG.debug("card {} forgotten after the grace", key);
                    }));
    if (entry != null) {
      if (entry.tombstoneTimer >= 0) {
        vertx.cancelTimer(entry.tombstoneTimer);
      }
      entry.tombstoneTimer = id;
    }
  }

  private static Stored read(String json) {
    if (json == null) {
      return null;
    }
    try {
      return EventCodec.mapper().readValue(json, Stored.class);
    } catch (JsonProcessingException e) {
      LOG.warn("a Slack card in the state cannot be read ({}): ignored", e.getOriginalMessage());
      return null;
    }
  }

  private static String write(Stored s) {
    try {
      return EventCodec.mapper().writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a card is plain data", e);
    }
  }

  /**
   * Stops: nothing more is sent; calls in flight finish and their cards' {@code ts} are written to
   * the state. What is still pending is left (a restart updates the card from the state at the
   * run's next event).
   *
   * @return completed when calls in flight landed, their state writes are done, and the worker pool
   *     is closed
   */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (governor.pending() > 0) {
      LOG.info("Slack: stopping with {} calls pending", governor.pending());
    }
    drained = io.vertx.core.Promise.promise();
    if (inFlight == 0) {
      drained.complete();
    }
    return drained
        .future()
        .compose(v -> Future.join(List.copyOf(writes)).otherwiseEmpty())
        .compose(v -> pool.close())
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      api.close();
                      return null;
                    },
                    false))
        .mapEmpty();
  }
}
