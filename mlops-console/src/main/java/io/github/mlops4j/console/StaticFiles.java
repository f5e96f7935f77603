package io.github.mlops4j.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The console's two static files, read once from the jar; no URL path reaches a file. */
final class StaticFiles {
  private static final byte[] CSS = load("console.css");
  private static final byte[] FAVICON = load("favicon.svg");

  private StaticFiles() {}

  static ConsoleResponse css() {
    return of("text/css; charset=utf-8", CSS);
  }

  static ConsoleResponse favicon() {
    return of("image/svg+xml", FAVICON);
  }

  private static ConsoleResponse of(String type, byte[] body) {
    Map<String, String> h = ConsoleHandler.securityHeaders(ConsoleHandler.CONTENT_SECURITY_POLICY);
    h.put("Content-Type", type);
    h.put("Cache-Control", "max-age=3600");
    return ConsoleResponse.of(200, h, body);
  }

  private static byte[] load(String name) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("The console's resource " + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
