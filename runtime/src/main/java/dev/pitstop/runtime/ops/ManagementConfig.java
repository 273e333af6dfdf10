package dev.pitstop.runtime.ops;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import java.util.Map;

/**
 * Where a service serves {@code /healthz}, {@code /readyz} and {@code /metrics} ({@link
 * ManagementServer}).
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_MANAGEMENT_HOST}</td><td>{@code 0.0.0.0}</td><td>bind address</td></tr>
 *   <tr><td>{@code PITSTOP_MANAGEMENT_PORT}</td><td>per service: watcher {@value #WATCHER_PORT},
 *       breakpoint-engine {@value #ENGINE_PORT}, notifier {@value #NOTIFIER_PORT}, tracer {@value
 *       #TRACER_PORT}</td><td>port; 0 = any free port</td></tr>
 * </table>
 *
 * @param host the bind address
 * @param port the port, 0 = any free port
 * @param explicit whether the port was configured (a configured port that is taken fails start-up;
 *     a default one that is taken, e.g. by another service of the same machine's {@code pitstop up}
 *     or a test JVM, falls back to a free port with a warning)
 */
public record ManagementConfig(String host, int port, boolean explicit) {
  public static final String HOST_KEY = "PITSTOP_MANAGEMENT_HOST";
  public static final String PORT_KEY = "PITSTOP_MANAGEMENT_PORT";
  public static final int WATCHER_PORT = 9401;
  public static final int ENGINE_PORT = 9402;
  public static final int NOTIFIER_PORT = 9403;
  public static final int TRACER_PORT = 9404;

  /**
   * @param defaultPort the service's default port (the {@code *_PORT} constants)
   * @throws ConfigException naming the key whose value is invalid
   */
  public static ManagementConfig fromMap(Map<String, String> env, int defaultPort) {
    Settings s = new Settings(env);
    String host = s.string(HOST_KEY, "0.0.0.0");
    boolean explicit = s.string(PORT_KEY, null) != null;
    int port = s.integer(PORT_KEY, defaultPort, 0, 65_535);
    return new ManagementConfig(host, port, explicit);
  }

  /** Any free port on loopback (tests). */
  public static ManagementConfig anyPort() {
    return new ManagementConfig("127.0.0.1", 0, true);
  }
}
