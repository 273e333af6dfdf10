package dev.pitstop.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.Tekton;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads multi-document Kubernetes YAML. Tekton v1 kinds (Task, Pipeline, TaskRun, PipelineRun)
 * become this module's model classes; any other document with {@code apiVersion} and {@code kind}
 * becomes a {@link GenericKubernetesResource}; empty documents are dropped.
 */
public final class TektonYaml {
  private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Task", Task.class,
          "Pipeline", Pipeline.class,
          "TaskRun", TaskRun.class,
          "PipelineRun", PipelineRun.class);

  private TektonYaml() {}

  /**
   * Parses every document of {@code yaml}.
   *
   * @throws IllegalArgumentException when a document is not valid YAML, lacks {@code apiVersion} or
   *     {@code kind}, or is a Tekton kind of another version than v1 (the message names the
   *     document by its 1-based position)
   */
  public static List<HasMetadata> load(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    int position = 0;
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNextValue()) {
        position++;
        JsonNode doc = docs.nextValue();
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        out.add(convert(doc, position));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "document " + (position + 1) + " is not valid YAML: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("document " + position + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static HasMetadata convert(JsonNode doc, int position) {
    if (!(doc instanceof ObjectNode) || !doc.hasNonNull("apiVersion") || !doc.hasNonNull("kind")) {
      throw new IllegalArgumentException(
          "document " + position + " has no apiVersion and kind: not a Kubernetes object");
    }
    String apiVersion = doc.get("apiVersion").asText();
    String kind = doc.get("kind").asText();
    Class<? extends HasMetadata> type = KINDS.get(kind);
    if (type != null && apiVersion.startsWith(Tekton.GROUP + "/")) {
      if (!apiVersion.equals(Tekton.API_VERSION)) {
        throw new IllegalArgumentException(
            "document "
                + position
                + ": "
                + kind
                + " "
                + apiVersion
                + " is not supported, only "
                + Tekton.API_VERSION);
      }
      try {
        return JSON.treeToValue(doc, type);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      return JSON.treeToValue(doc, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
