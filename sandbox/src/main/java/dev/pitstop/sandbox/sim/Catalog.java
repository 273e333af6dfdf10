package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.Task;
import java.util.Optional;

/** Where the core looks up referenced Tasks and Pipelines (a port: the API, or a map in tests). */
interface Catalog {
  Optional<Task> task(String namespace, String name);

  Optional<Pipeline> pipeline(String namespace, String name);
}
