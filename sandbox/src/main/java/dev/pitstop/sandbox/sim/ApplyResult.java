package dev.pitstop.sandbox.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What {@link TektonSimulator#apply(String)} did.
 *
 * @param created the objects as the API stored them (names filled in for {@code generateName}), in
 *     document order
 * @param notes one line per document that was skipped, and why
 */
public record ApplyResult(List<HasMetadata> created, List<String> notes) {
  public ApplyResult {
    created = List.copyOf(created);
    notes = List.copyOf(notes);
  }

  /** The created objects of one type, in document order. */
  public <T extends HasMetadata> List<T> created(Class<T> type) {
    return created.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
