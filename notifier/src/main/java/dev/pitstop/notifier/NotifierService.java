package dev.pitstop.notifier;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.DeliveryResult;
import dev.pitstop.events.data.Identity;
import dev.pitstop.notifier.cdevents.CdEventsChannel;
import dev.pitstop.notifier.cdevents.CdEventsProjection;
import dev.pitstop.notifier.delivery.AttemptResult;
import dev.pitstop.notifier.delivery.Channel;
import dev.pitstop.notifier.delivery.DeliveryDeadLetters;
import dev.pitstop.notifier.delivery.DeliveryListener;
import dev.pitstop.notifier.delivery.EndpointQueue;
import dev.pitstop.notifier.routing.AnnotationSubscriptions;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.notifier.routing.Subscription;
import dev.pitstop.notifier.slack.SlackApi;
import dev.pitstop.notifier.slack.SlackCards;
import dev.pitstop.notifier.slack.SlackSettings;
import dev.pitstop.notifier.slack.StatusCard;
import dev.pitstop.notifier.slack.interactivity.PendingOutcomes;
import dev.pitstop.notifier.slack.interactivity.SlackInteractivity;
import dev.pitstop.notifier.state.NotifierState;
import dev.pitstop.notifier.webhook.UrlGuard;
import dev.pitstop.notifier.webhook.WebhookChannel;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.ops.Ops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: consumes observations and decisions (consumer group {@value #GROUP}), picks the
 * notable ones ({@link Router}) and delivers each to every subscribed endpoint, retrying with
 * backoff and dead-lettering what cannot be delivered.
 *
 * <p><b>Subscriptions.</b> Every URL of {@code NOTIFIER_WEBHOOK_URLS} gets every notable event; the
 * routes file adds matched subscriptions; a run's annotations ({@link AnnotationSubscriptions}) add
 * webhooks and Slack channels for that run, after the allowlists and, for a webhook, a check of the
 * addresses its host resolves to ({@link UrlGuard}). A refused subscription is logged and the event
 * is dead-lettered with the reason, for every event it would have received.
 *
 * <p><b>Slack.</b> With a bot token ({@code NOTIFIER_SLACK_TOKEN}), Slack channels (routes and
 * allowed annotations) get one status card per run, posted and updated in place by {@link
 * SlackCards} (rate-governed per channel, its {@code ts} kept in the state topic); they see every
 * event that changes a card, not only the notable ones. {@link #slackCards()} gives the
 * interactivity endpoint the cards.
 *
 * <p><b>Delivery guarantee.</b> The consumer hands each event to the per-endpoint queues and moves
 * on at once, so a slow endpoint never holds up the consumer or the other endpoints. Offsets are
 * committed with a low watermark ({@link EventConsumer#deferred}): an event is committable once
 * every webhook delivery of it is final (delivered and recorded in {@link NotifierState}, or
 * dead-lettered and the dead letter written), and a partition's offset is committed only below its
 * oldest event not committable yet. So what was queued or waiting for a retry when the notifier
 * stopped ({@link #stop()} abandons it, without dead-lettering) or crashed is read again by the
 * next instance, which drops the ids already delivered per endpoint. An endpoint may receive an
 * event twice (a retry after a timeout it had in fact handled, a delivery not yet recorded when the
 * process died): receivers deduplicate by the CloudEvents {@code id}. Slack channels are not
 * tracked: an event that only changes a status card is committable at once.
 */
public final class NotifierService implements PitstopService {
  /** The consumer group and the name in dead letters. */
  public static final String GROUP = "notifier";

  private static final Logger LOG = LoggerFactory.getLogger(NotifierService.class);

  private final Vertx vertx;
  private final Context context;
  private final NotifierConfig config;
  private final Router router;
  private final AnnotationSubscriptions annotations;
  private final UrlGuard guard;
  private final Function<Endpoint, Channel> channels;
  private final DeliveryDeadLetters deadLetters;
  private final Map<Endpoint, EndpointQueue> queues = new LinkedHashMap<>();
  private final WebClient client;
  private final EventPublisher publisher;
  private final EventFactory factory;
  private NotifierState state = NotifierState.inMemory(1);
  private SlackCards slack;
  private Future<Void> annotationChain = Future.succeededFuture();
  private boolean stopping;
  private String consumerDeployment;
  private SlackInteractivity interactivity;

  private NotifierService(
      Vertx vertx,
      Context context,
      NotifierConfig config,
      Router router,
      AnnotationSubscriptions annotations,
      Function<Endpoint, Channel> channels,
      DeliveryDeadLetters deadLetters,
      WebClient client,
      EventPublisher publisher) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.router = router;
    this.annotations = annotations;
    this.guard = new UrlGuard(vertx, config.urlPolicy());
    this.channels = channels;
    this.deadLetters = deadLetters;
    this.client = client;
    this.publisher = publisher;
    this.factory = new EventFactory(config.cluster(), GROUP);
  }

  /**
   * Starts the notifier: a dead-letter producer, a web client, a queue per configured endpoint, and
   * the consumer of the observations and decisions topics.
   *
   * @return a future completed once the consumer subscribed; failed with the cause otherwise
   */
  public static Future<NotifierService> start(Vertx vertx, NotifierConfig config) {
    Context context = vertx.getOrCreateContext();
    Topics topics = config.kafka().topics();
    EventPublisher publisher = new EventPublisher(vertx, config.kafka(), GROUP + "-deadletters");
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("pitstop-notifier")
                .setFollowRedirects(false)
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis())));
    DeliveryDeadLetters deadLetters = new DeliveryDeadLetters(publisher, topics);
    Function<Endpoint, Channel> channels =
        endpoint -> {
          if (endpoint.isSlack()) {
            // offer() hands Slack channels to SlackCards before any queue is asked for.
            throw new IllegalArgumentException("a Slack channel has no EndpointQueue: " + endpoint);
          }
          WebhookChannel webhook =
              new WebhookChannel(
                  client,
                  endpoint,
                  config.requestTimeout(),
                  Clock.systemUTC(),
                  config.contentMode(),
                  config.signer());
          return endpoint.format() == Endpoint.Format.CDEVENTS
              ? new CdEventsChannel(webhook)
              : webhook;
        };
    List<Subscription> subscriptions = new ArrayList<>();
    config.webhooks().forEach(w -> subscriptions.add(Subscription.toAll(w)));
    subscriptions.addAll(config.routes());
    Router router = new Router(subscriptions);
    AnnotationSubscriptions annotations =
        new AnnotationSubscriptions(
            config.urlPolicy(), config.channelPolicy(), config.slack() != null);
    NotifierService service =
        new NotifierService(
            vertx, context, config, router, annotations, channels, deadLetters, client, publisher);
    context.runOnContext(
        v -> router.endpoints().stream().filter(ep -> !ep.isSlack()).forEach(service::queueFor));
    if (service.queues.isEmpty()) {
      LOG.info(
          "no endpoints configured ({}, {}): only runs' annotations can subscribe",
          NotifierConfig.WEBHOOK_URLS,
          NotifierConfig.ROUTES_FILE);
    }
    EventConsumer consumer =
        EventConsumer.deferred(
                config.kafka(),
                EventConsumer.topics(topics.observations(), topics.decisions()),
                GROUP,
                publisher,
                e -> new EventConsumer.Handling(Future.succeededFuture(), service.accept(e)))
            .onlyTypes(actsOn(config.slack() != null, config.slackInteractivity() != null));
    return NotifierState.open(
            vertx,
            config.kafka(),
            config.stateTopic(),
            publisher,
            config.stateCapacity(),
            java.time.Duration.ofSeconds(30))
        .onSuccess(
            st ->
                context.runOnContext(
                    v -> {
                      service.state = st;
                      service.startSlack(st);
                    }))
        .compose(st -> service.startInteractivity())
        .compose(v -> vertx.deployVerticle(consumer))
        .map(
            id -> {
              service.consumerDeployment = id;
              LOG.info(
                  "notifier started: {} and {} to {} ({}, {} webhook secrets, {} mode)",
                  topics.observations(),
                  topics.decisions(),
                  service.queues.keySet(),
                  config.retry(),
                  config.signer().secrets(),
                  config.contentMode());
              return service;
            })
        .recover(
            t -> {
              client.close();
              Future<Void> slack =
                  service.interactivity == null
                      ? Future.succeededFuture()
                      : service.interactivity.stop();
              return slack
                  .eventually(publisher::closeAsync)
                  .transform(ar -> Future.failedFuture(t));
            });
  }

  /** Starts the Slack interactivity endpoint when configured. */
  private Future<Void> startInteractivity() {
    if (config.slackInteractivity() == null) {
      return Future.succeededFuture();
    }
    return SlackInteractivity.start(
            vertx, config.slackInteractivity(), publisher, factory, Clock.systemUTC())
        .onSuccess(s -> interactivity = s)
        .mapEmpty();
  }

  /** The Slack interactivity endpoint, when configured and started. */
  public Optional<SlackInteractivity> slackInteractivity() {
    return Optional.ofNullable(interactivity);
  }

  /** Creates the Slack side once the state is read (on the context). */
  private void startSlack(NotifierState st) {
    SlackSettings s = config.slack();
    if (s == null) {
      return;
    }
    SplittableRandom random = new SplittableRandom();
    slack =
        new SlackCards(
            vertx,
            context,
            s,
            new SlackApi(s.apiUrl(), s.token(), config.requestTimeout()),
            st,
            results,
            deadLetters,
            Clock.systemUTC(),
            config.retry().maxAttempts(),
            (n, floor) -> config.retry().backoff(n, random));
  }

  /**
   * The Slack side, for the interactivity endpoint ({@link SlackCards#pauseOf}, {@link
   * SlackCards#showReleasedBy}); empty when Slack is not configured or before start completed.
   */
  public Optional<SlackCards> slackCards() {
    return Optional.ofNullable(slack);
  }

  /**
   * The event types {@link #accept} acts on: the notable ones ({@link Router#NOTABLE}), the ones
   * CDEvents webhooks get ({@link CdEventsProjection#PROJECTED}), command rejections (told to the
   * user who asked), and with Slack the ones that change a status card ({@link
   * StatusCard#CHANGED_BY}) or settle a click ({@link PendingOutcomes#SETTLED_BY}). Every other
   * type it ignores, so its consumer leaves them undecoded ({@link EventConsumer#onlyTypes}):
   * decoding was 61 % of the notifier's loop, and most events are steps' (issue #7,
   * docs/performance.md "Notifier: the types it does not act on").
   *
   * @param slackCards whether Slack status cards are posted ({@code NOTIFIER_SLACK_TOKEN})
   * @param slackInteractivity whether Slack's buttons are served ({@code
   *     NOTIFIER_SLACK_SIGNING_SECRET})
   */
  public static Set<EventType> actsOn(boolean slackCards, boolean slackInteractivity) {
    Set<EventType> s = EnumSet.copyOf(Router.NOTABLE);
    s.addAll(CdEventsProjection.PROJECTED);
    s.add(EventType.COMMAND_REJECTED);
    if (slackCards) {
      s.addAll(StatusCard.CHANGED_BY);
    }
    if (slackInteractivity) {
      s.addAll(PendingOutcomes.SETTLED_BY);
    }
    return Collections.unmodifiableSet(s);
  }

  /**
   * The consumer's handler: routes the event and hands it to the endpoints' queues (on their
   * context, in the consumer's order). The consumer goes on at once (delivery goes on in the
   * queues); the returned future completes when every webhook delivery of the event is final
   * (delivered, or dead-lettered and the dead letter written), and only then may the consumer
   * commit the event's offset (see the class comment). Slack channels get more than the notable
   * events: every event that changes a run's status card ({@link StatusCard#changesCard}).
   */
  private Future<Void> accept(PitstopEvent e) {
    boolean told = interactivity != null && interactivity.onEvent(e);
    if (!told && e.data() instanceof CommandRejected r) {
      tellRejection(e, r);
    }
    boolean notable = Router.isNotable(e);
    // CDEvents webhooks also get run starts and child TaskRuns' finishes (Router#route).
    boolean routed = notable || CdEventsProjection.projects(e.type());
    boolean card = config.slack() != null && StatusCard.changesCard(e);
    if (!routed && !card) {
      return Future.succeededFuture();
    }
    List<Endpoint> targets = new ArrayList<>();
    if (routed) {
      router.route(e).stream().filter(t -> !t.isSlack()).forEach(targets::add);
    }
    if (card) {
      targets.addAll(router.routeSlack(e));
    }
    List<AnnotationSubscriptions.Requested> requested =
        annotations.of(e.data().run()).stream()
            .filter(
                r ->
                    r instanceof AnnotationSubscriptions.Accepted a
                        ? (a.endpoint().isSlack() ? card : notable)
                        : notable)
            .toList();
    if (targets.isEmpty() && requested.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.debug(
        "queue {} {} of {} for {} and {} annotation subscriptions",
        e.id(),
        e.type().type(),
        e.data().run().display(),
        targets,
        requested.size());
    Promise<Void> committable = Promise.promise();
    context.runOnContext(
        v -> {
          Outstanding o = track(e);
          o.done.future().onComplete(committable);
          targets.forEach(t -> offer(t, e));
          if (!requested.isEmpty()) {
            // One chain for all annotation subscriptions keeps the consumer's order per endpoint
            // while a host is being resolved.
            annotationChain =
                annotationChain
                    .compose(x -> byAnnotations(e, requested))
                    .onComplete(ar -> settle(e, null));
          } else {
            settle(e, null);
          }
        });
    return committable.future();
  }

  /** A Slack user id as Slack writes them ({@code U…}, {@code W…}); anything else is not used. */
  private static final java.util.regex.Pattern SLACK_USER =
      java.util.regex.Pattern.compile("[UW][A-Z0-9]{2,20}");

  /**
   * A rejection of a command from a Slack button that this instance's endpoint did not take (with
   * several notifier instances, the click may reach any; the rejection reaches the one consuming
   * the run's partition, which holds the run's card): the clicking user is told ephemerally in the
   * card's channel ({@code chat.postEphemeral}), the user named by the command's {@code
   * slack.userId}, which only a notifier's endpoint stamps (the commands topic is closed to others,
   * breakpoints.md).
   */
  private void tellRejection(PitstopEvent e, CommandRejected r) {
    if (config.slack() == null || !"slack".equals(r.command().via())) {
      return;
    }
    String user = r.command().requestedBy().attribute(Identity.SLACK_USER_ID);
    if (user == null || !SLACK_USER.matcher(user).matches()) {
      LOG.info("{}: a rejected Slack command without a usable Slack user id: not told", e.id());
      return;
    }
    String text = PendingOutcomes.rejection(r);
    context.runOnContext(
        v -> {
          if (slack == null) {
            return;
          }
          List<String> channels = slack.tell(e.partitionKey(), user, text, e.id());
          if (channels.isEmpty()) {
            LOG.info(
                "{}: rejection of {} for Slack user {}: no card of the run here, not told",
                e.id(),
                r.command().run().display(),
                user);
          } else {
            LOG.info(
                "{}: rejection of {} told to Slack user {} in {}",
                e.id(),
                r.command().run().display(),
                user,
                channels);
          }
        });
  }

  /**
   * What is still under way for one event on the notifier's context: its routing (1) plus every
   * webhook delivery handed to a queue and every refusal being dead-lettered, each settled once
   * final. {@code done} completes when none is left, or fails when a dead letter could not be
   * written (the event's offset then stays uncommitted, so a restart reads it again).
   */
  private static final class Outstanding {
    private int count;
    private final Promise<Void> done = Promise.promise();
  }

  private final Map<String, Outstanding> outstanding = new java.util.HashMap<>();

  /** One more thing under way for {@code e}; call on the context. */
  private Outstanding track(PitstopEvent e) {
    Outstanding o = outstanding.computeIfAbsent(e.id(), id -> new Outstanding());
    o.count++;
    return o;
  }

  /** One thing under way for {@code e} is final ({@code failure} null) or lost; on the context. */
  private void settle(PitstopEvent e, Throwable failure) {
    Outstanding o = outstanding.get(e.id());
    if (o == null) {
      return;
    }
    if (failure != null) {
      outstanding.remove(e.id());
      o.done.tryFail(failure);
    } else if (--o.count == 0) {
      outstanding.remove(e.id());
      o.done.tryComplete();
    }
  }

  /** Settles on the context once {@code f} completed (a failure keeps the offset uncommitted). */
  private void settleWhen(PitstopEvent e, Future<Void> f) {
    f.onComplete(ar -> context.runOnContext(v -> settle(e, ar.failed() ? ar.cause() : null)));
  }

  private Future<Void> byAnnotations(
      PitstopEvent e, List<AnnotationSubscriptions.Requested> requested) {
    Future<Void> f = Future.succeededFuture();
    for (AnnotationSubscriptions.Requested r : requested) {
      f = f.compose(x -> byAnnotation(e, r));
    }
    return f;
  }

  private Future<Void> byAnnotation(PitstopEvent e, AnnotationSubscriptions.Requested r) {
    if (r instanceof AnnotationSubscriptions.Rejected rej) {
      reject(e, rej.shown(), rej.annotation(), rej.reason());
      return Future.succeededFuture();
    }
    AnnotationSubscriptions.Accepted a = (AnnotationSubscriptions.Accepted) r;
    Endpoint endpoint = a.endpoint();
    if (endpoint.isSlack() || queues.containsKey(endpoint)) {
      offerByAnnotation(e, a);
      return Future.succeededFuture();
    }
    return guard
        .check(a.host())
        .map(
            problem -> {
              if (problem.isPresent()) {
                reject(e, endpoint.name(), a.annotation(), problem.get());
              } else {
                offerByAnnotation(e, a);
              }
              return null;
            });
  }

  private void offerByAnnotation(PitstopEvent e, AnnotationSubscriptions.Accepted a) {
    if (a.endpoint().isSlack()) {
      offer(a.endpoint(), e);
      return;
    }
    if (!queues.containsKey(a.endpoint()) && queues.size() >= config.maxEndpoints()) {
      reject(
          e,
          a.endpoint().name(),
          a.annotation(),
          "the notifier serves " + config.maxEndpoints() + " endpoints already");
      return;
    }
    offer(a.endpoint(), e);
  }

  private void reject(PitstopEvent e, String shown, String annotation, String reason) {
    results.publish(
        EventType.DELIVERY_DEADLETTERED,
        e,
        shown,
        0,
        null,
        "subscription by " + annotation + " refused: " + reason);
    LOG.warn(
        "{} {} of {}: subscription by {} to {} refused: {}",
        e.id(),
        e.type().type(),
        e.data().run().display(),
        annotation,
        shown,
        reason);
    track(e);
    Future<Void> written =
        deadLetters.deadLetter(
            e, shown, 0, "subscription by " + annotation + " refused: " + reason);
    settleWhen(e, written);
    written.onFailure(
        t ->
            LOG.error(
                "{}: LOST the report of a refused subscription to {}: {}",
                e.id(),
                shown,
                t.toString()));
  }

  private void offer(Endpoint endpoint, PitstopEvent e) {
    if (endpoint.isSlack()) {
      if (slack == null) {
        if (Router.isNotable(e)) {
          reject(e, endpoint.name(), "configuration", "Slack is not configured");
        }
      } else {
        slack.offer(endpoint.channel(), e);
      }
      return;
    }
    if (state.contains(NotifierState.deliveredKey(e.id(), endpoint.name()))) {
      LOG.debug(
          "{} {} of {} was delivered to {} before: dropped",
          e.id(),
          e.type().type(),
          e.data().run().display(),
          endpoint);
      return;
    }
    EndpointQueue q = queueFor(endpoint);
    track(e); // settled by Results.delivered or by the dead letter's sink
    q.offer(e);
  }

  private EndpointQueue queueFor(Endpoint endpoint) {
    EndpointQueue q = queues.get(endpoint);
    if (q != null) {
      return q;
    }
    Channel channel = channels.apply(endpoint);
    q =
        new EndpointQueue(
            context,
            endpoint,
            channel,
            config.retry(),
            new SplittableRandom(),
            (ev, ep, attempts, reason) -> {
              Future<Void> written = deadLetters.deadLetter(ev, ep, attempts, reason);
              settleWhen(ev, written);
              return written;
            },
            config.queueCapacity(),
            config.endpointConcurrency(),
            results);
    if (stopping) {
      q.abandon();
    }
    queues.put(endpoint, q);
    return q;
  }

  private final Results results = new Results();

  /**
   * Publishes delivery results ({@code dev.pitstop.delivery.*.v1}) and records handled deliveries
   * in the state, so a relist after a restart does not deliver them again.
   */
  private final class Results implements DeliveryListener {
    @Override
    public void delivered(PitstopEvent e, Endpoint endpoint, int attempts, AttemptResult result) {
      latency("delivered", e);
      // Settled once recorded (or not: the delivery happened either way), so a restart that reads
      // the event again finds it delivered.
      state
          .put(NotifierState.deliveredKey(e.id(), endpoint.name()), "delivered")
          .onComplete(ar -> context.runOnContext(v -> settle(e, null)));
      publish(EventType.DELIVERY_DELIVERED, e, endpoint.name(), attempts, result, null);
    }

    @Override
    public void failed(PitstopEvent e, Endpoint endpoint, int attempt, AttemptResult result) {
      publish(EventType.DELIVERY_FAILED, e, endpoint.name(), attempt, result, result.reason());
    }

    @Override
    public void deadLettered(
        PitstopEvent e, Endpoint endpoint, int attempts, String reason, AttemptResult last) {
      latency("deadlettered", e);
      if (attempts > 0) {
        // Given up after trying: a relist must not try again. Events dead-lettered without an
        // attempt (stopping, queue full) may be delivered when seen again.
        state.put(NotifierState.deliveredKey(e.id(), endpoint.name()), "deadlettered");
      }
      publish(EventType.DELIVERY_DEADLETTERED, e, endpoint.name(), attempts, last, reason);
    }

    /** {@code pitstop_delivery_latency_seconds}: from the event's time to now. */
    private void latency(String outcome, PitstopEvent e) {
      if (e.time() != null) {
        Ops.of(vertx)
            .metrics()
            .deliveryLatency(outcome, java.time.Duration.between(e.time(), Instant.now()));
      }
    }

    void publish(
        EventType type,
        PitstopEvent e,
        String endpoint,
        int attempts,
        AttemptResult result,
        String reason) {
      Integer status = null;
      if (result instanceof AttemptResult.Delivered d) {
        status = d.status();
      } else if (result instanceof AttemptResult.Refused r) {
        status = r.status();
      }
      PitstopEvent out =
          factory.create(
              type,
              new DeliveryResult(
                  e.data().run(),
                  e.id(),
                  e.type().type(),
                  endpoint,
                  attempts,
                  status,
                  reason,
                  Instant.now()),
              Instant.now());
      publisher
          .publish(out)
          .onFailure(
              t -> LOG.warn("{}: could not publish {}: {}", e.id(), type.type(), t.toString()));
    }
  }

  /** The endpoints served so far (configured ones first, then annotation ones as they came). */
  public List<Endpoint> endpoints() {
    return List.copyOf(queues.keySet());
  }

  /**
   * Stops consuming (the consumer commits below the oldest event still pending), then abandons the
   * queues (attempts in flight finish; what is queued or waiting for a retry is left for the next
   * instance, see the class comment), then closes the web client and the producer.
   *
   * @return a future completed when all is closed; it does not fail
   */
  @Override
  public Future<Void> stop() {
    Future<Void> slackStopped =
        interactivity == null ? Future.succeededFuture() : interactivity.stop();
    Future<Void> consumerStopped =
        slackStopped.compose(
            x ->
                consumerDeployment == null
                    ? Future.succeededFuture()
                    : vertx.undeploy(consumerDeployment).otherwiseEmpty());
    return consumerStopped
        .compose(v -> stopQueues())
        .compose(
            v -> {
              Promise<Void> p = Promise.promise();
              context.runOnContext(
                  x ->
                      (slack == null ? Future.<Void>succeededFuture() : slack.stop())
                          .onComplete(p));
              return p.future().otherwiseEmpty();
            })
        .eventually(
            () -> {
              client.close();
              return publisher.closeAsync();
            })
        .otherwiseEmpty()
        .onComplete(ar -> LOG.info("notifier stopped"));
  }

  private Future<Void> stopQueues() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(
        v -> {
          stopping = true;
          annotationChain
              .otherwiseEmpty()
              .compose(
                  x ->
                      Future.join(queues.values().stream().map(EndpointQueue::abandon).toList())
                          .<Void>mapEmpty())
              .onComplete(p);
        });
    return p.future();
  }
}
