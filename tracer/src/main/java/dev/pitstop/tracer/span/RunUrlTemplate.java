package dev.pitstop.tracer.span;

import dev.pitstop.events.data.RunRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL template for a root run's page in a dashboard, filled into {@code
 * cicd.pipeline.run.url.full}. Placeholders: {@code {namespace}}, {@code {name}}, {@code {uid}},
 * {@code {kind}} ({@code pipelineruns} or {@code taskruns}); values are URL-encoded. Example for
 * the Tekton Dashboard: {@code https://tekton.example.com/#/namespaces/{namespace}/{kind}/{name}}.
 */
public final class RunUrlTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
  private static final Set<String> KNOWN = Set.of("namespace", "name", "uid", "kind");

  private final String template;

  /**
   * @throws IllegalArgumentException when the template is not http(s) or names an unknown
   *     placeholder
   */
  public RunUrlTemplate(String template) {
    if (!template.startsWith("http://") && !template.startsWith("https://")) {
      throw new IllegalArgumentException("must start with http:// or https://");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!KNOWN.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "unknown placeholder {" + m.group(1) + "}; known: {namespace} {name} {uid} {kind}");
      }
    }
    this.template = template;
  }

  /** The URL of the run. */
  public String expand(RunRef run) {
    String kind = RunRef.PIPELINE_RUN.equals(run.kind()) ? "pipelineruns" : "taskruns";
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "namespace" -> run.namespace();
            case "name" -> run.name();
            case "uid" -> run.uid();
            default -> kind;
          };
      m.appendReplacement(
          sb,
          Matcher.quoteReplacement(
              URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @Override
  public String toString() {
    return template;
  }
}
