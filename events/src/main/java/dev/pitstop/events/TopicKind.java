package dev.pitstop.events;

/** The kinds of topic Pitstop uses; {@link Topics} names them. */
public enum TopicKind {
  /** What the watcher saw in the cluster. */
  OBSERVATIONS,
  /** What the engine decided. */
  DECISIONS,
  /** Requests to the engine (continue, fail-continue). */
  COMMANDS,
  /** Records no consumer could decode, with the reason in headers. */
  DEAD_LETTER
}
