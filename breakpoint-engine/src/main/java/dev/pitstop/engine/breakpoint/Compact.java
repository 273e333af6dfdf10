package dev.pitstop.engine.breakpoint;

import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.TreeMap;

/**
 * Keeps the engine's per-run state small (issue #7: &le; 4 KB of heap per live run). Every string
 * decoded from an event or from the state topic is a fresh object; a live breakpoint keeps about
 * thirty of them. Here the ones that repeat across runs (kinds, namespaces, Pipeline, Task and
 * PipelineTask names, label and annotation keys and values, step names) are {@link String#intern
 * interned} (the JVM's string table holds them weakly: an interned string no run refers to is
 * collected), and the ones that repeat within one run (the Pod, the TaskRun and PipelineRun names
 * and uids in labels and keys) refer to one instance. Content is unchanged: only the identity of
 * equal strings changes.
 */
public final class Compact {
  private Compact() {}

  private static String intern(String s) {
    return s == null ? null : s.intern();
  }

  /** {@code s}, or {@code same} when equal (one instance for both). */
  private static String same(String s, String same) {
    return s != null && s.equals(same) ? same : s;
  }

  /** The run with its repeated strings shared (see the class comment). */
  public static RunRef run(RunRef r) {
    if (r == null) {
      return null;
    }
    String name = r.name();
    String uid = r.uid();
    String pipelineRun = r.pipelineRun();
    String pipelineRunUid = r.pipelineRunUid();
    return new RunRef(
        intern(r.kind()),
        intern(r.namespace()),
        name,
        uid,
        pipelineRun,
        pipelineRunUid,
        intern(r.pipeline()),
        intern(r.pipelineTask()),
        intern(r.task()),
        r.retry(),
        strings(r.labels(), name, uid, pipelineRun, pipelineRunUid),
        strings(r.annotations(), name, uid, pipelineRun, pipelineRunUid));
  }

  private static Map<String, String> strings(
      Map<String, String> m, String name, String uid, String pipelineRun, String pipelineRunUid) {
    if (m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    m.forEach(
        (k, v) -> {
          String value = v;
          if (value != null) {
            if (value.equals(name)) {
              value = name;
            } else if (value.equals(pipelineRun)) {
              value = pipelineRun;
            } else if (value.equals(uid)) {
              value = uid;
            } else if (value.equals(pipelineRunUid)) {
              value = pipelineRunUid;
            } else {
              value = value.intern();
            }
          }
          out.put(k.intern(), value);
        });
    return out;
  }

  /** The step with its name and container interned and its Pod shared with {@code pod}. */
  static StepRef step(StepRef s, String pod) {
    return s == null
        ? null
        : new StepRef(intern(s.name()), s.index(), intern(s.container()), same(s.pod(), pod));
  }

  /**
   * The breakpoint with its strings shared: the run's ({@link #run}), the step's, its key's (the
   * run's namespace and name, the step's name), its Pod and container (the step's).
   */
  public static Breakpoint breakpoint(Breakpoint b) {
    RunRef run = run(b.run());
    String pod = run == null ? b.pod() : same(b.pod(), b.step() == null ? null : b.step().pod());
    StepRef step = step(b.step(), pod);
    BreakpointKey k = b.key();
    BreakpointKey key =
        k == null
            ? null
            : new BreakpointKey(
                run == null ? k.namespace() : same(k.namespace(), run.namespace()),
                run == null ? k.taskRun() : same(k.taskRun(), run.name()),
                step == null ? intern(k.step()) : same(k.step(), step.name()));
    String container =
        step == null ? intern(b.container()) : same(intern(b.container()), step.container());
    return new Breakpoint(
        key,
        run,
        step,
        b.mechanism(),
        pod,
        container,
        b.pausedAt(),
        b.deadline(),
        b.logTail(),
        b.exec(),
        b.state(),
        b.release(),
        b.decidedAt(),
        intern(b.endReason()),
        b.releaseContainer());
  }

  /**
   * Log lines kept as one string and the ends of its lines: one object for the text instead of one
   * per line (a live breakpoint lists up to 20 lines). Immutable; equal to any list of the same
   * lines.
   */
  static final class Lines extends AbstractList<String> implements RandomAccess {
    private static final Lines EMPTY = new Lines("", new int[0]);
    private final String text;
    private final int[] ends;

    private Lines(String text, int[] ends) {
      this.text = text;
      this.ends = ends;
    }

    /** The lines (nulls read as empty lines). */
    static List<String> of(List<String> lines) {
      if (lines == null || lines.isEmpty()) {
        return List.of();
      }
      if (lines instanceof Lines l) {
        return l;
      }
      StringBuilder b = new StringBuilder();
      int[] ends = new int[lines.size()];
      for (int i = 0; i < ends.length; i++) {
        String line = lines.get(i);
        b.append(line == null ? "" : line);
        ends[i] = b.length();
      }
      return new Lines(b.toString(), ends);
    }

    @Override
    public String get(int i) {
      Objects.checkIndex(i, ends.length);
      return text.substring(i == 0 ? 0 : ends[i - 1], ends[i]);
    }

    @Override
    public int size() {
      return ends.length;
    }
  }
}
