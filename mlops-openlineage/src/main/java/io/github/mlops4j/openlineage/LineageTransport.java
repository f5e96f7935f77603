package io.github.mlops4j.openlineage;

import io.github.mlops4j.internal.Checks;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.KafkaConfig;
import io.openlineage.client.transports.Transport;
import io.openlineage.client.transports.TransportFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Where a {@link LineageEmitter} sends its events: an OpenLineage HTTP endpoint (Marquez, DataHub,
 * or any server of the OpenLineage API), a file of one JSON event per line, or a Kafka topic. The
 * transport is created when the emitter is built and closed with it.
 *
 * @since 0.1.0
 */
public final class LineageTransport {
  private final String description;
  private final Supplier<Transport> factory;

  private LineageTransport(String description, Supplier<Transport> factory) {
    this.description = description;
    this.factory = factory;
  }

  /**
   * POSTs each event to {@code baseUrl} + {@code /api/v1/lineage} (the path Marquez and DataHub
   * serve) with a 5 s timeout.
   */
  public static LineageTransport http(URI baseUrl) {
    return http(baseUrl, Duration.ofSeconds(5), Map.of());
  }

  /**
   * POSTs each event to {@code baseUrl} + {@code /api/v1/lineage}, waiting at most {@code timeout}
   * per request, with extra {@code headers} (for example {@code Authorization}).
   *
   * <p>User info ({@code https://user:token@host}) and a query in {@code baseUrl} are sent but
   * never shown: {@link #toString()} and error messages leave them out.
   *
   * @throws IllegalArgumentException if the URL is not absolute http(s) or the timeout is not
   *     positive
   */
  public static LineageTransport http(URI baseUrl, Duration timeout, Map<String, String> headers) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = baseUrl.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException(
          "baseUrl must be an absolute http or https URL, was " + cut(shown(baseUrl)));
    }
    Checks.atLeast(timeout, Duration.ofMillis(1), "timeout");
    Map<String, String> copy = new LinkedHashMap<>(headers);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    return new LineageTransport(
        "http " + cut(shown(baseUrl)),
        () -> {
          HttpConfig config = new HttpConfig();
          config.setUrl(baseUrl);
          config.setEndpoint("/api/v1/lineage");
          config.setTimeoutInMillis(millis);
          config.setHeaders(new LinkedHashMap<>(copy));
          return new HttpTransport(config);
        });
  }

  /** Appends each event to {@code file} as one line of JSON (the file is created if needed). */
  public static LineageTransport file(Path file) {
    Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    return new LineageTransport(
        "file " + absolute, () -> new FileTransport(new FileConfig(absolute.toString())));
  }

  /**
   * Sends each event to the Kafka {@code topic}, keyed by job, through a producer made from {@code
   * producerProperties} ({@code bootstrap.servers} at least). Needs {@code
   * org.apache.kafka:kafka-clients} on the class path: it is not a dependency of this module.
   *
   * @throws IllegalStateException when the emitter is built without kafka-clients on the class path
   */
  public static LineageTransport kafka(String topic, Properties producerProperties) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank");
    }
    Properties copy = new Properties();
    copy.putAll(Objects.requireNonNull(producerProperties, "producerProperties"));
    return new LineageTransport(
        "kafka " + topic,
        () -> {
          try {
            // Through the factory, so this module never links KafkaTransport (kafka-clients).
            return new TransportFactory(new KafkaConfig(topic, null, copy)).build();
          } catch (LinkageError e) {
            throw new IllegalStateException(
                "The Kafka lineage transport needs org.apache.kafka:kafka-clients on the class"
                    + " path; add it to your build ("
                    + e
                    + ")",
                e);
          }
        });
  }

  /** A transport made by {@code factory} (for tests). */
  static LineageTransport of(String description, Supplier<Transport> factory) {
    return new LineageTransport(description, factory);
  }

  /** Creates the OpenLineage transport (when the emitter is built). */
  Transport open() {
    return factory.get();
  }

  @Override
  public String toString() {
    return "LineageTransport{" + description + "}";
  }

  /** {@code url} without user info, query and fragment, which may hold credentials. */
  static String shown(URI url) {
    if (url.getRawUserInfo() == null && url.getRawQuery() == null && url.getRawFragment() == null) {
      return url.toString();
    }
    if (url.isOpaque() || url.getHost() == null) {
      return url.getScheme() + ":(hidden)";
    }
    StringBuilder b =
        new StringBuilder().append(url.getScheme()).append("://").append(url.getHost());
    if (url.getPort() >= 0) {
      b.append(':').append(url.getPort());
    }
    if (url.getRawPath() != null) {
      b.append(url.getRawPath());
    }
    return b.toString();
  }

  static String cut(String value) {
    return value.length() <= 100
        ? value
        : value.substring(0, 100) + "... (" + value.length() + " characters)";
  }
}
