package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import io.github.mlops4j.artifacts.internal.PathNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Opens an {@link S3ArtifactStore} from the location it reports, {@code
 * s3://bucket/prefix/?endpoint=…&pathStyle=true&region=…}: the query names the endpoint (URL
 * encoded), path-style access and the region; anything else in the URI (user info, port, fragment,
 * other parameters, a parameter twice) is refused. Credentials come from the SDK's default chain
 * (environment, profile, container or instance role), never from the location. Found by {@link
 * java.util.ServiceLoader} for the scheme {@code s3}.
 *
 * @since 0.1.0
 */
public final class S3ArtifactStoreProvider implements ArtifactStoreProvider {
  /** Longest location accepted. */
  static final int MAX_LENGTH = 2048;

  /** For {@link java.util.ServiceLoader}. */
  public S3ArtifactStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  /**
   * Opens the store {@code location} names; the store builds its own client and is closed with
   * {@link S3ArtifactStore#close()}.
   *
   * @throws IllegalArgumentException if the location is not one {@link S3ArtifactStore#location()}
   *     writes
   */
  @Override
  public ArtifactStore open(URI location) {
    return builderFor(location).build();
  }

  /** The builder settings {@code location} names, for hosts that add their own (credentials). */
  public static S3ArtifactStore.Builder builderFor(URI location) {
    Objects.requireNonNull(location, "location");
    String text = location.toString();
    if (text.length() > MAX_LENGTH) {
      throw invalid(text, "is longer than " + MAX_LENGTH + " characters");
    }
    if (!"s3".equals(location.getScheme())) {
      throw invalid(text, "does not start with s3://");
    }
    if (location.isOpaque()) {
      throw invalid(text, "is not s3://bucket/prefix/");
    }
    if (location.getRawFragment() != null) {
      throw invalid(text, "has a fragment");
    }
    String authority = location.getRawAuthority();
    if (authority == null || authority.contains("@") || authority.contains(":")) {
      throw invalid(text, "must name a bucket without user info or port");
    }
    String path = location.getRawPath() == null ? "" : location.getRawPath();
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw invalid(text, "is not s3://bucket/prefix/");
    }
    if (path.indexOf('%') >= 0) {
      throw invalid(text, "has an escaped character in its prefix");
    }
    S3ArtifactStore.Builder b = S3ArtifactStore.builder();
    try {
      b.bucket(authority);
      String prefix = path.isEmpty() ? "" : path.substring(1);
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        throw invalid(text, "has a prefix that does not end with /");
      }
      b.prefix(prefix);
      Map<String, String> query = query(location.getRawQuery(), text);
      for (Map.Entry<String, String> e : query.entrySet()) {
        String value = e.getValue();
        switch (e.getKey()) {
          case "endpoint" -> b.endpoint(parseEndpoint(value, text));
          case "region" -> b.region(value);
          case "pathStyle" -> {
            if (!value.equals("true") && !value.equals("false")) {
              throw invalid(text, "has pathStyle that is neither true nor false");
            }
            b.pathStyle(Boolean.parseBoolean(value));
          }
          default ->
              throw invalid(
                  text,
                  "has the unknown parameter "
                      + PathNames.quote(e.getKey())
                      + "; known: endpoint, pathStyle, region");
        }
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("location ")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "location " + PathNames.quote(text) + " is not valid: " + e.getMessage(), e);
    }
    return b;
  }

  private static Map<String, String> query(@Nullable String raw, String text) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw invalid(text, "has a query parameter without name=value");
      }
      String name = pair.substring(0, eq);
      String value;
      try {
        value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw invalid(text, "has a badly escaped value");
      }
      if (out.put(name, value) != null) {
        throw invalid(text, "names the parameter " + PathNames.quote(name) + " twice");
      }
    }
    return out;
  }

  private static URI parseEndpoint(String value, String text) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw invalid(text, "has an endpoint that is not a URI");
    }
  }

  private static IllegalArgumentException invalid(String text, String rule) {
    return new IllegalArgumentException(
        "location "
            + PathNames.quote(text)
            + " "
            + rule
            + "; expected s3://bucket/prefix/?endpoint=...&pathStyle=true&region=...");
  }
}
