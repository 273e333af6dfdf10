package dev.pitstop.tracer.span;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Objects;

/**
 * A finished span built from Kubernetes facts rather than recorded by OpenTelemetry's Tracer (whose
 * API cannot take given trace and span ids): an immutable {@link SpanData} that {@code
 * OtlpHttpSpanExporter} exports as is. No events.
 */
public final class RunSpanData implements SpanData {
  private final String name;
  private final SpanKind kind;
  private final SpanContext context;
  private final SpanContext parent;
  private final StatusData status;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Attributes attributes;
  private final List<LinkData> links;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;

  /**
   * @param parent {@link SpanContext#getInvalid()} for a root span
   * @param startEpochNanos start, nanoseconds since the epoch
   * @param endEpochNanos end, nanoseconds since the epoch, not before the start
   * @throws IllegalArgumentException when the end precedes the start
   */
  public RunSpanData(
      String name,
      SpanKind kind,
      SpanContext context,
      SpanContext parent,
      StatusData status,
      long startEpochNanos,
      long endEpochNanos,
      Attributes attributes,
      Resource resource,
      InstrumentationScopeInfo scope) {
    this(
        name,
        kind,
        context,
        parent,
        status,
        startEpochNanos,
        endEpochNanos,
        attributes,
        List.of(),
        resource,
        scope);
  }

  /**
   * @param links links to other spans (a retried TaskRun's previous attempt)
   */
  public RunSpanData(
      String name,
      SpanKind kind,
      SpanContext context,
      SpanContext parent,
      StatusData status,
      long startEpochNanos,
      long endEpochNanos,
      Attributes attributes,
      List<LinkData> links,
      Resource resource,
      InstrumentationScopeInfo scope) {
    if (endEpochNanos < startEpochNanos) {
      throw new IllegalArgumentException("span " + name + " ends before it starts");
    }
    this.name = Objects.requireNonNull(name);
    this.kind = Objects.requireNonNull(kind);
    this.context = Objects.requireNonNull(context);
    this.parent = Objects.requireNonNull(parent);
    this.status = Objects.requireNonNull(status);
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = endEpochNanos;
    this.attributes = Objects.requireNonNull(attributes);
    this.links = List.copyOf(links);
    this.resource = Objects.requireNonNull(resource);
    this.scope = Objects.requireNonNull(scope);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return List.of();
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return 0;
  }

  @Override
  public int getTotalRecordedLinks() {
    return links.size();
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  /** Required by the interface; superseded by {@link #getInstrumentationScopeInfo()}. */
  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public String toString() {
    return "RunSpanData{"
        + name
        + " "
        + context.getTraceId()
        + "/"
        + context.getSpanId()
        + " parent="
        + parent.getSpanId()
        + " ["
        + startEpochNanos
        + ", "
        + endEpochNanos
        + "] "
        + status.getStatusCode()
        + "}";
  }
}
