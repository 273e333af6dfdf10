package dev.pitstop.tekton.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every Tekton model object: fields this model does not name are kept in {@link
 * #additionalProperties()} and written back unchanged, so reading and rewriting an object never
 * drops what Tekton (or a newer Tekton) put there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public abstract class Extensible {
  private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

  /** Fields not modelled here, by JSON name; never null. */
  @JsonAnyGetter
  public Map<String, Object> additionalProperties() {
    return additionalProperties;
  }

  @JsonAnySetter
  public void setAdditionalProperty(String name, Object value) {
    additionalProperties.put(name, value);
  }
}
