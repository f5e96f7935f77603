package io.github.mlops4j.spring;

import io.github.mlops4j.console.ConsoleHandler;
import io.github.mlops4j.console.ConsoleResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The console's {@link ConsoleHandler} as a servlet: the request's raw path below the mount point
 * and its raw query are handed over as they came, and the answer is copied out.
 */
final class ConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_-]+)+");

  private final transient ConsoleHandler handler;

  ConsoleServlet(ConsoleHandler handler) {
    this.handler = handler;
  }

  /** {@code mlops.console.path} if it is a plain path, else a start failure naming the property. */
  static String checkPath(String path) {
    if (path.length() > 200 || !PATH.matcher(path).matches()) {
      throw new InvalidConfigurationPropertyValueException(
          "mlops.console.path",
          path.length() > 200 ? path.substring(0, 200) + "…" : path,
          "use segments of letters, digits, '-' and '_', each after a '/', such as /mlops");
    }
    return path;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String uri = request.getRequestURI();
    int mount = request.getContextPath().length() + request.getServletPath().length();
    String path = uri.length() > mount ? uri.substring(mount) : "/";
    ConsoleResponse answer = handler.respond(request.getMethod(), path, request.getQueryString());
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    if (answer.length() >= 0) {
      response.setContentLengthLong(answer.length());
    }
    answer.writeTo(response.getOutputStream());
  }
}
