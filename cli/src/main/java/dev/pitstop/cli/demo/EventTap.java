package dev.pitstop.cli.demo;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every Pitstop topic from the beginning on its own thread, as an outside observer would:
 * each event goes to the listeners and, when a file is given, as one structured CloudEvents JSON
 * line to it. Records that are not Pitstop events (the dead-letter topic's) are counted, not
 * written.
 */
public final class EventTap implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<Consumer<PitstopEvent>> listeners = new CopyOnWriteArrayList<>();
  private final List<PitstopEvent> seen = new CopyOnWriteArrayList<>();
  private final List<String> deadLetters = new CopyOnWriteArrayList<>();
  private final BufferedWriter out;
  private final Thread thread;
  private final String deadLetterTopic;
  private volatile boolean running = true;

  /**
   * @param eventsOut where to write one JSON line per event, or null
   * @throws UncheckedIOException when the file cannot be opened
   */
  public EventTap(String bootstrap, Topics topics, Path eventsOut) {
    Properties p = new Properties();
    p.putAll(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "group.id",
            "pitstop-demo-tap-" + UUID.randomUUID(),
            "auto.offset.reset",
            "earliest",
            "enable.auto.commit",
            "false"));
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(topics.all());
    deadLetterTopic = topics.deadLetter();
    try {
      if (eventsOut != null) {
        Path parent = eventsOut.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        out = Files.newBufferedWriter(eventsOut, StandardCharsets.UTF_8);
      } else {
        out = null;
      }
    } catch (IOException e) {
      consumer.close();
      throw new UncheckedIOException("cannot write --events-out " + eventsOut, e);
    }
    thread = new Thread(this::loop, "pitstop-event-tap");
    thread.setDaemon(true);
  }

  public EventTap onEvent(Consumer<PitstopEvent> listener) {
    listeners.add(listener);
    return this;
  }

  public void start() {
    thread.start();
  }

  /** Every event read so far, in the order read. */
  public List<PitstopEvent> seen() {
    return seen;
  }

  /** The reasons of dead letters read so far. */
  public List<String> deadLetters() {
    return deadLetters;
  }

  private void loop() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    if (r.topic().equals(deadLetterTopic)) {
      var h = r.headers().lastHeader(EventRecords.DLQ_REASON);
      deadLetters.add(h == null ? "(no reason)" : new String(h.value(), StandardCharsets.UTF_8));
      return;
    }
    PitstopEvent e;
    try {
      e = EventRecords.decode(r.headers(), r.value());
    } catch (MalformedEventException ex) {
      deadLetters.add("tap could not decode " + r.topic() + ": " + ex.getMessage());
      return;
    }
    seen.add(e);
    write(e);
    for (Consumer<PitstopEvent> l : listeners) {
      l.accept(e);
    }
  }

  private synchronized void write(PitstopEvent e) {
    if (out == null) {
      return;
    }
    try {
      out.write(EventCodec.toStructuredJson(e));
      out.newLine();
      out.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
