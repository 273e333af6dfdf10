package dev.pitstop.sandbox.kafka;

import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Turns the embedded broker's INFO chatter down.
 *
 * <p>The Kafka 4.x broker logs through SLF4J (scala-logging), not log4j; log4j-api/-core are only
 * on the classpath because the broker's logging MBean links against them. So when the SLF4J backend
 * is logback, this sets the broker's loggers to WARN, but only those the application's own
 * configuration left without a level. With any other backend it does nothing: configure {@code
 * kafka}, {@code org.apache.kafka} and {@code state.change.logger} there.
 */
final class BrokerLogging {

  private static final List<String> LOGGERS =
      List.of("kafka", "org.apache.kafka", "state.change.logger");

  private BrokerLogging() {}

  static void quiet() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!factory.getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
      return;
    }
    try {
      ClassLoader loader = factory.getClass().getClassLoader();
      Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", false, loader);
      Object warn = levelClass.getField("WARN").get(null);
      for (String name : LOGGERS) {
        Object logger = factory.getLogger(name);
        if (logger.getClass().getMethod("getLevel").invoke(logger) == null) {
          logger.getClass().getMethod("setLevel", levelClass).invoke(logger, warn);
        }
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      LoggerFactory.getLogger(BrokerLogging.class)
          .debug("cannot lower the broker's log level: {}", e.toString());
    }
  }
}
