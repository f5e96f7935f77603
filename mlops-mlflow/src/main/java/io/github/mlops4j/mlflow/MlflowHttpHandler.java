package io.github.mlops4j.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Function;

/**
 * Serves an {@link MlflowHandler} from the JDK's HTTP server ({@code com.sun.net.httpserver}):
 * mount it at the context root, or at any prefix before {@code /api/2.0/}.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 5000), 0);
 * server.createContext("/", MlflowHttpHandler.of(api)).setAuthenticator(myAuthenticator);
 * }</pre>
 *
 * <p>The principal of each request is, by default, the name the context's {@link
 * com.sun.net.httpserver.Authenticator} set ({@link HttpExchange#getPrincipal()}), or {@code
 * anonymous} without one; {@link #of(MlflowHandler, Function)} takes another rule.
 *
 * @since 0.1.0
 */
public final class MlflowHttpHandler implements HttpHandler {
  /** The principal of a request no authenticator vouched for. */
  public static final String ANONYMOUS = "anonymous";

  private final MlflowHandler handler;
  private final Function<HttpExchange, String> principal;

  private MlflowHttpHandler(MlflowHandler handler, Function<HttpExchange, String> principal) {
    this.handler = handler;
    this.principal = principal;
  }

  /** The adapter, with the authenticator's principal (or {@value #ANONYMOUS}). */
  public static MlflowHttpHandler of(MlflowHandler handler) {
    return of(
        handler,
        exchange -> {
          HttpPrincipal p = exchange.getPrincipal();
          return p == null ? ANONYMOUS : p.getUsername();
        });
  }

  /** The adapter, with each request's principal given by {@code principal}. */
  public static MlflowHttpHandler of(
      MlflowHandler handler, Function<HttpExchange, String> principal) {
    return new MlflowHttpHandler(
        Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(principal, "principal"));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String rawQuery = exchange.getRequestURI().getRawQuery();
      MlflowResponse response =
          handler.handle(
              new MlflowRequest(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  rawQuery == null ? "" : rawQuery,
                  exchange.getRequestBody(),
                  principal.apply(exchange)));
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      long length = response.length();
      try (InputStream body = response.body()) {
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(
            response.status(), head ? -1 : length == 0 ? -1 : length < 0 ? 0 : length);
        if (!head && length != 0) {
          try (OutputStream out = exchange.getResponseBody()) {
            body.transferTo(out);
          }
        }
      }
    }
  }
}
