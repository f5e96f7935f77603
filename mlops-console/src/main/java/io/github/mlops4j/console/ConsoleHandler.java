package io.github.mlops4j.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.mlops4j.MlopsException;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The console's pages and their JSON, for the JDK's HTTP server or any host. Read-only: it answers
 * {@code GET} only (anything else is {@code 405}) and calls only the read methods of the services
 * it is given.
 *
 * <pre>{@code
 * ConsoleHandler console =
 *     ConsoleHandler.builder().tracker(tracker).registry(registry).features(featureStore).build();
 * HttpContext ctx = server.createContext("/console", console); // com.sun.net.httpserver
 * ctx.setAuthenticator(hostAuthenticator); // the host's authentication
 * }</pre>
 *
 * <p>Pages, relative to where the handler is mounted: {@code runs} (also the start page), {@code
 * run?id=}, {@code compare?run=&run=}, {@code models}, {@code model?name=}, {@code features},
 * {@code drift}, {@code drift-report?run=} and {@code artifact?run=&path=} (a run's artifact, read
 * from the artifact store by the run's own artifact list). Each page's JSON is under {@code api/},
 * with the same parameters: {@code api/runs}, {@code api/run?id=}, and so on. Links are relative,
 * so the handler works under any prefix; a request for the prefix without its trailing slash is
 * redirected to it.
 *
 * <p>Every value from the workspace (run names, params, tags, model descriptions) is escaped; pages
 * carry a Content-Security-Policy that allows no script at all and styles from the console's own
 * stylesheet only. URL paths never reach a file system: artifacts are read through the tracker,
 * which finds the run's artifact by its logged path and opens it by digest in the artifact store.
 *
 * <p>This handler does no authentication: mount it behind the host's (for the JDK's server, an
 * {@link com.sun.net.httpserver.Authenticator} on its context), or use {@link ConsoleServer}, which
 * checks a bearer token.
 *
 * @since 0.1.0
 */
public final class ConsoleHandler implements HttpHandler {
  /** The Content-Security-Policy of every page: no script, the console's own stylesheet. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** The policy of a stored drift report (self-contained HTML with its own inline style). */
  static final String REPORT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'none'; sandbox";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ConsoleHandler.class);

  private final Sources sources;

  private ConsoleHandler(Sources sources) {
    this.sources = sources;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      // Closing drains a small body so the connection can be kept; the console reads no body.
      exchange.getRequestBody().close();
      String context = exchange.getHttpContext().getPath();
      String raw = exchange.getRequestURI().getRawPath();
      String base = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
      String path = raw.startsWith(base) ? raw.substring(base.length()) : raw;
      ConsoleResponse r =
          path.isEmpty()
              ? redirect(base + "/")
              : respond(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery());
      r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      long length = r.length() == 0 ? -1 : r.length() < 0 ? 0 : r.length();
      exchange.sendResponseHeaders(r.status(), length);
      if (length != -1) {
        try (OutputStream out = exchange.getResponseBody()) {
          r.writeTo(out);
        }
      }
    }
  }

  /**
   * Answers one request: the adapter for hosts other than the JDK's HTTP server.
   *
   * @param method the HTTP method; anything but {@code GET} gets {@code 405}
   * @param path the request's raw path below where the console is mounted, starting with {@code /}
   *     (such as {@code /runs} or {@code /api/run}); not decoded
   * @param rawQuery the raw (percent-encoded) query string, or null
   */
  public ConsoleResponse respond(String method, String path, @Nullable String rawQuery) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    boolean api = path.startsWith("/api/");
    if (!"GET".equals(method)) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Allow", "GET");
      return text(405, h, "The console is read-only: only GET is allowed\n");
    }
    try {
      Params p = Params.parse(rawQuery);
      String page = api ? path.substring(4) : path;
      switch (page) {
        case "/static/console.css":
          return StaticFiles.css();
        case "/static/favicon.svg":
          return StaticFiles.favicon();
        case "/artifact":
          return Artifacts.download(sources, p);
        case "/drift-report":
          return Artifacts.driftReport(sources, p);
        default:
          break;
      }
      View v = view(page, p);
      if (api) {
        return json(v.jsonStatus(), v.json());
      }
      String jsonHref =
          "api" + page + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
      return html(200, Html.page(v.title(), v.section(), v.body(), jsonHref));
    } catch (Params.BadRequest e) {
      return error(api, 400, "Bad request", String.valueOf(e.getMessage()));
    } catch (Params.NotFound e) {
      return error(api, 404, "Not found", String.valueOf(e.getMessage()));
    } catch (IllegalArgumentException | MlopsException e) {
      return error(api, 400, "Bad request", Params.cut(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      LOG.warn("Console request {} failed", Params.cut(path), e);
      return error(api, 500, "Error", "The page could not be read; the server log has the cause");
    }
  }

  private View view(String page, Params p) {
    return switch (page) {
      case "/", "/runs" -> RunsPage.load(sources, p);
      case "/run" -> RunPage.load(sources, p);
      case "/compare" -> ComparePage.load(sources, p);
      case "/models" -> ModelsPage.list(sources);
      case "/model" -> ModelsPage.model(sources, p);
      case "/features" -> FeaturesPage.load(sources);
      case "/drift" -> DriftPage.load(sources, p);
      default -> throw new Params.NotFound("No console page at '" + Params.cut(page) + "'");
    };
  }

  private ConsoleResponse error(boolean api, int status, String title, String message) {
    if (api) {
      ObjectNode n = sources.json().createObjectNode();
      n.put("error", message);
      n.put("status", status);
      return json(status, n);
    }
    return html(status, Html.page(title, "", Html.message(message), "api/runs"));
  }

  ConsoleResponse json(int status, ObjectNode node) {
    try {
      byte[] body = sources.json().writeValueAsBytes(node);
      Map<String, String> h = securityHeaders(CONTENT_SECURITY_POLICY);
      h.put("Content-Type", "application/json; charset=utf-8");
      return ConsoleResponse.of(status, h, body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConsoleResponse html(int status, String page) {
    Map<String, String> h = securityHeaders(CONTENT_SECURITY_POLICY);
    h.put("Content-Type", "text/html; charset=utf-8");
    return ConsoleResponse.of(status, h, page.getBytes(StandardCharsets.UTF_8));
  }

  static ConsoleResponse text(int status, Map<String, String> extra, String text) {
    Map<String, String> h = securityHeaders(CONTENT_SECURITY_POLICY);
    h.putAll(extra);
    h.put("Content-Type", "text/plain; charset=utf-8");
    return ConsoleResponse.of(status, h, text.getBytes(StandardCharsets.UTF_8));
  }

  private static ConsoleResponse redirect(String to) {
    Map<String, String> h = securityHeaders(CONTENT_SECURITY_POLICY);
    h.put("Location", to);
    return ConsoleResponse.of(302, h, new byte[0]);
  }

  static Map<String, String> securityHeaders(String policy) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Security-Policy", policy);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put("Referrer-Policy", "no-referrer");
    h.put("Cache-Control", "no-store");
    return h;
  }

  /**
   * Builds a {@link ConsoleHandler}: a {@link #tracker} is required; without a {@link #registry}
   * the model pages say so, without {@link #features} the feature page does.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Tracker tracker;
    private @Nullable ModelRegistry registry;
    private @Nullable FeatureStore features;
    private int pageSize = 50;

    private Builder() {}

    /** The runs' tracker; not closed by the console. */
    public Builder tracker(Tracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /** The model registry of the same workspace; not closed by the console. */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The feature store of the same workspace; not closed by the console. */
    public Builder features(FeatureStore features) {
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    /** Runs per page of the run table by default, 1 to 1,000 (default 50). */
    public Builder pageSize(int pageSize) {
      this.pageSize = Checks.inRange(pageSize, 1, 1000, "pageSize");
      return this;
    }

    /**
     * Builds the handler.
     *
     * @throws IllegalStateException if no tracker is set
     */
    public ConsoleHandler build() {
      if (tracker == null) {
        throw Checks.missing("ConsoleHandler.Builder", "tracker", "tracker(Tracker)");
      }
      ObjectMapper mapper = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, true);
      return new ConsoleHandler(new Sources(tracker, registry, features, pageSize, mapper));
    }
  }
}
