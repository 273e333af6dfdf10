package dev.pitstop.notifier;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.notifier.delivery.DeliveryDeadLetters;
import dev.pitstop.notifier.delivery.EndpointQueue;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.notifier.routing.Subscription;
import dev.pitstop.notifier.webhook.WebhookChannel;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: consumes observations and decisions (consumer group {@value #GROUP}), picks the
 * notable ones ({@link Router}) and delivers each to every configured webhook as a CloudEvent over
 * HTTP, retrying with backoff and dead-lettering what cannot be delivered.
 *
 * <p><b>Delivery guarantee.</b> The consumer hands each event to the per-endpoint queues and moves
 * on at once, so a slow endpoint never holds up the consumer or the other endpoints; the offset is
 * committed once the event is queued, not once it is delivered. Every event is therefore delivered
 * or dead-lettered while the notifier runs, and on {@link #stop()} whatever is still queued or
 * waiting to be retried is dead-lettered; but if the process dies, events queued and not yet
 * delivered are lost (they will not be read again). Keeping delivery state in Kafka (a compacted
 * topic, see docs/architecture.md) would close that gap; it is not done yet. An endpoint may
 * receive an event twice (a retry after a timeout it had in fact handled, a relist): receivers
 * deduplicate by the CloudEvents {@code id}.
 */
public final class NotifierService implements PitstopService {
  /** The consumer group and the name in dead letters. */
  public static final String GROUP = "notifier";

  private static final Logger LOG = LoggerFactory.getLogger(NotifierService.class);

  private final Vertx vertx;
  private final Context context;
  private final Router router;
  private final Map<Endpoint, EndpointQueue> queues;
  private final WebClient client;
  private final EventPublisher publisher;
  private String consumerDeployment;

  private NotifierService(
      Vertx vertx,
      Context context,
      Router router,
      Map<Endpoint, EndpointQueue> queues,
      WebClient client,
      EventPublisher publisher) {
    this.vertx = vertx;
    this.context = context;
    this.router = router;
    this.queues = queues;
    this.client = client;
    this.publisher = publisher;
  }

  /**
   * Starts the notifier: a dead-letter producer, a web client, a queue per webhook, and the
   * consumer of the observations and decisions topics.
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
    Map<Endpoint, EndpointQueue> queues = new LinkedHashMap<>();
    for (Endpoint endpoint : config.webhooks()) {
      queues.put(
          endpoint,
          new EndpointQueue(
              context,
              endpoint,
              new WebhookChannel(
                  client,
                  endpoint,
                  config.requestTimeout(),
                  Clock.systemUTC(),
                  config.contentMode(),
                  config.signer()),
              config.retry(),
              new SplittableRandom(),
              deadLetters,
              config.queueCapacity(),
              config.endpointConcurrency()));
    }
    Router router = new Router(config.webhooks().stream().map(Subscription::toAll).toList());
    NotifierService service =
        new NotifierService(vertx, context, router, queues, client, publisher);
    if (queues.isEmpty()) {
      LOG.warn(
          "no endpoints configured ({} is empty): events will be read and dropped",
          NotifierConfig.WEBHOOK_URLS);
    }
    EventConsumer consumer =
        new EventConsumer(
            config.kafka(),
            EventConsumer.topics(topics.observations(), topics.decisions()),
            GROUP,
            publisher,
            service::accept);
    return vertx
        .deployVerticle(consumer)
        .map(
            id -> {
              service.consumerDeployment = id;
              LOG.info(
                  "notifier started: {} and {} to {} ({})",
                  topics.observations(),
                  topics.decisions(),
                  queues.keySet(),
                  config.retry());
              return service;
            })
        .recover(
            t -> {
              client.close();
              return publisher.closeAsync().transform(ar -> Future.failedFuture(t));
            });
  }

  /**
   * The consumer's handler: routes the event and hands it to the endpoints' queues (on their
   * context, in the consumer's order). Completes at once: delivery goes on in the queues.
   */
  private Future<Void> accept(PitstopEvent e) {
    List<Endpoint> targets = router.route(e);
    if (targets.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.debug(
        "queue {} {} of {} for {}", e.id(), e.type().type(), e.data().run().display(), targets);
    context.runOnContext(v -> targets.forEach(t -> queues.get(t).offer(e)));
    return Future.succeededFuture();
  }

  /** The webhook endpoints, in configured order. */
  public List<Endpoint> endpoints() {
    return List.copyOf(queues.keySet());
  }

  /**
   * Stops consuming (the consumer commits what it handed over), then stops the queues
   * (dead-lettering what is undelivered, see the class comment), then closes the web client and the
   * producer.
   *
   * @return a future completed when all is closed; it does not fail
   */
  @Override
  public Future<Void> stop() {
    Future<Void> consumerStopped =
        consumerDeployment == null
            ? Future.succeededFuture()
            : vertx.undeploy(consumerDeployment).otherwiseEmpty();
    return consumerStopped
        .compose(v -> stopQueues())
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
        v ->
            Future.join(queues.values().stream().map(EndpointQueue::stop).toList())
                .<Void>mapEmpty()
                .onComplete(p));
    return p.future();
  }
}
