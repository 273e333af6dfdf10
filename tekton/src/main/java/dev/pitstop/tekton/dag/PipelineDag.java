package dev.pitstop.tekton.dag;

import dev.pitstop.tekton.model.Param;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.WhenExpression;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The graph of a Pipeline's {@code tasks}: an edge {@code a → b} when {@code b} names {@code a} in
 * {@code runAfter} or uses one of its results ({@code $(tasks.a.results.r)}) in params or {@code
 * when}. {@code finally} tasks are not nodes: they run after every task ends (Tekton {@code
 * pkg/reconciler/pipeline/dag/dag.go}, {@code pkg/apis/pipeline/v1/pipeline_types.go}). Tasks that
 * only share a workspace have no edge. Immutable.
 */
public final class PipelineDag {
  private static final Pattern RESULT_REF =
      Pattern.compile("\\$\\(tasks\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.results\\.");
  private static final Pattern RESULT_REF_BRACKET =
      Pattern.compile("\\$\\(tasks\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.results\\[");

  private final Map<String, PipelineTask> tasks;
  private final Map<String, Set<String>> parents;
  private final Map<String, Set<String>> children;
  private final List<PipelineTask> finallyTasks;

  private PipelineDag(
      Map<String, PipelineTask> tasks,
      Map<String, Set<String>> parents,
      Map<String, Set<String>> children,
      List<PipelineTask> finallyTasks) {
    this.tasks = tasks;
    this.parents = parents;
    this.children = children;
    this.finallyTasks = finallyTasks;
  }

  /**
   * Builds the graph.
   *
   * @throws IllegalArgumentException when a task name repeats, {@code runAfter} or a result
   *     reference names an unknown task, or the edges form a cycle (the message names the tasks)
   */
  public static PipelineDag of(PipelineSpec spec) {
    Map<String, PipelineTask> tasks = new LinkedHashMap<>();
    for (PipelineTask t : spec.tasks) {
      if (tasks.put(t.name, t) != null) {
        throw new IllegalArgumentException("pipeline task \"" + t.name + "\" is declared twice");
      }
    }
    Set<String> finallyNames = new LinkedHashSet<>();
    for (PipelineTask t : spec.finallyTasks) {
      if (tasks.containsKey(t.name) || !finallyNames.add(t.name)) {
        throw new IllegalArgumentException("pipeline task \"" + t.name + "\" is declared twice");
      }
    }
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    Map<String, Set<String>> children = new LinkedHashMap<>();
    tasks
        .keySet()
        .forEach(
            n -> {
              parents.put(n, new LinkedHashSet<>());
              children.put(n, new LinkedHashSet<>());
            });
    for (PipelineTask t : spec.tasks) {
      for (String p : dependenciesDeclaredBy(t)) {
        if (!tasks.containsKey(p)) {
          throw new IllegalArgumentException(
              "pipeline task \"" + t.name + "\" depends on unknown task \"" + p + "\"");
        }
        parents.get(t.name).add(p);
        children.get(p).add(t.name);
      }
    }
    for (PipelineTask t : spec.finallyTasks) {
      for (String p : resultReferences(t)) {
        if (!tasks.containsKey(p)) {
          throw new IllegalArgumentException(
              "finally task \"" + t.name + "\" uses results of unknown task \"" + p + "\"");
        }
      }
    }
    PipelineDag dag =
        new PipelineDag(
            freeze(tasks),
            freezeSets(parents),
            freezeSets(children),
            List.copyOf(spec.finallyTasks));
    dag.topologicalOrder();
    return dag;
  }

  /**
   * The tasks this PipelineTask must wait for: {@code runAfter} plus tasks whose results it uses.
   */
  public static Set<String> dependenciesDeclaredBy(PipelineTask t) {
    Set<String> deps = new LinkedHashSet<>(t.runAfter == null ? List.of() : t.runAfter);
    deps.addAll(resultReferences(t));
    return deps;
  }

  /**
   * Names of the tasks whose results this PipelineTask references in params or when expressions.
   */
  public static Set<String> resultReferences(PipelineTask t) {
    Set<String> refs = new LinkedHashSet<>();
    if (t.params != null) {
      for (Param p : t.params) {
        collectRefs(p.value, refs);
      }
    }
    if (t.when != null) {
      for (WhenExpression w : t.when) {
        collectRefs(w.input, refs);
        collectRefs(w.values, refs);
        collectRefs(w.cel, refs);
      }
    }
    return refs;
  }

  private static void collectRefs(Object value, Set<String> refs) {
    if (value instanceof String s) {
      for (Pattern p : List.of(RESULT_REF, RESULT_REF_BRACKET)) {
        Matcher m = p.matcher(s);
        while (m.find()) {
          refs.add(m.group(1));
        }
      }
    } else if (value instanceof Collection<?> c) {
      c.forEach(v -> collectRefs(v, refs));
    } else if (value instanceof Map<?, ?> m) {
      m.values().forEach(v -> collectRefs(v, refs));
    }
  }

  /** The PipelineTasks of {@code tasks}, in declaration order. */
  public Collection<PipelineTask> tasks() {
    return tasks.values();
  }

  /** The {@code finally} tasks, in declaration order. */
  public List<PipelineTask> finallyTasks() {
    return finallyTasks;
  }

  /** A task of {@code tasks} or {@code finally} by name, or null. */
  public PipelineTask task(String name) {
    PipelineTask t = tasks.get(name);
    if (t != null) {
      return t;
    }
    return finallyTasks.stream().filter(f -> f.name.equals(name)).findFirst().orElse(null);
  }

  /** True when {@code name} is a {@code finally} task. */
  public boolean isFinally(String name) {
    return finallyTasks.stream().anyMatch(f -> f.name.equals(name));
  }

  /** Direct parents of a task (empty for roots and finally tasks). */
  public Set<String> parentsOf(String name) {
    return parents.getOrDefault(name, Set.of());
  }

  /** Direct dependents of a task. */
  public Set<String> childrenOf(String name) {
    return children.getOrDefault(name, Set.of());
  }

  /** Every task reachable from {@code name} (its transitive dependents), excluding itself. */
  public Set<String> descendantsOf(String name) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(childrenOf(name));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (seen.add(n)) {
        todo.addAll(childrenOf(n));
      }
    }
    return seen;
  }

  /** Tasks with no parents, in declaration order. */
  public List<String> roots() {
    return tasks.keySet().stream().filter(n -> parents.get(n).isEmpty()).toList();
  }

  /**
   * The tasks of {@code tasks} in an order where every task follows its parents (Kahn's algorithm,
   * ties in declaration order).
   *
   * @throws IllegalArgumentException when the graph has a cycle, naming the tasks on it
   */
  public List<String> topologicalOrder() {
    Map<String, Integer> inDegree = new LinkedHashMap<>();
    parents.forEach((n, ps) -> inDegree.put(n, ps.size()));
    List<String> order = new ArrayList<>();
    Deque<String> ready = new ArrayDeque<>(roots());
    while (!ready.isEmpty()) {
      String n = ready.poll();
      order.add(n);
      for (String c : children.get(n)) {
        if (inDegree.merge(c, -1, Integer::sum) == 0) {
          ready.add(c);
        }
      }
    }
    if (order.size() != tasks.size()) {
      List<String> cycle =
          inDegree.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .map(Map.Entry::getKey)
              .toList();
      throw new IllegalArgumentException("pipeline tasks form a cycle: " + cycle);
    }
    return order;
  }

  private static <V> Map<String, V> freeze(Map<String, V> m) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  private static Map<String, Set<String>> freezeSets(Map<String, Set<String>> m) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, java.util.Collections.unmodifiableSet(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
