package dev.pitstop.sandbox.k8s;

import java.util.List;

/**
 * Runs a command "inside" a simulated container: what {@code POST/GET
 * /api/v1/namespaces/{ns}/pods/{pod}/exec} does in the sandbox. Set it with {@link
 * SandboxApiServer#setExecHandler(ExecHandler)}.
 *
 * <p>Called on a worker thread (never on an event loop), possibly concurrently for different
 * requests, only for a Pod that exists and a container it declares. It may block for a while (the
 * client waits), but should return within seconds.
 */
@FunctionalInterface
public interface ExecHandler {

  /**
   * Runs one command.
   *
   * @param namespace the Pod's namespace
   * @param pod the Pod's name
   * @param container the container's name, e.g. {@code step-build} (resolved if the client gave
   *     none and the Pod has one container)
   * @param command the command and its arguments, e.g. {@code
   *     ["/tekton/debug/scripts/debug-continue"]}; never empty
   * @return the outcome, not {@code null}; a thrown exception is answered as exit code 126 with the
   *     exception's message on standard error
   */
  ExecResult exec(String namespace, String pod, String container, List<String> command);
}
