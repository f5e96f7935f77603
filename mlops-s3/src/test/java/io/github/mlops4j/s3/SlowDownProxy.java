package io.github.mlops4j.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an S3 server that answers {@code 503 SlowDown} (S3's throttling error) to
 * the first requests of new connections while {@link #refuseNext(int)} allows, and passes
 * everything else through byte for byte (so request signatures stay valid). Refused connections are
 * closed after the answer, so every retry opens a new connection and is counted.
 */
final class SlowDownProxy implements AutoCloseable {
  private static final byte[] BODY =
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
              + "<Message>Please reduce your request rate.</Message></Error>")
          .getBytes(US_ASCII);

  private final ServerSocket server;
  private final int target;
  private final AtomicInteger toRefuse = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "slowdown-proxy");
            t.setDaemon(true);
            return t;
          });

  SlowDownProxy(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * Answers 503 SlowDown to the next {@code n} requests. Open connections are dropped first, so
   * that the next requests come on new connections (a client keeps connections alive).
   */
  void refuseNext(int n) throws IOException {
    toRefuse.set(n);
    for (Socket s : open) {
      s.close();
    }
  }

  /** How many requests were answered 503 so far. */
  int refused() {
    return refused.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        pool.execute(() -> handle(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      if (toRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        String text = new String(head, US_ASCII).toLowerCase(Locale.ROOT);
        if (!text.contains("expect: 100-continue")) {
          in.skipNBytes(contentLength(text));
        }
        refused.incrementAndGet();
        OutputStream out = client.getOutputStream();
        out.write(
            ("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                    + BODY.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(US_ASCII));
        out.write(BODY);
        out.flush();
        return;
      }
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
        open.add(upstream);
        upstream.getOutputStream().write(head);
        pool.execute(() -> pipe(upstream, client));
        pipe(client, upstream);
      }
    } catch (IOException e) {
      // the client or the server closed the connection
    } finally {
      open.remove(client);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // one side closed
    }
  }

  /** The request line and headers up to the empty line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched =
          (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
      if (matched == 4) {
        return head.toByteArray();
      }
      if (head.size() > 64 * 1024) {
        throw new IOException("request head too long");
      }
    }
    return null;
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    pool.shutdownNow();
  }
}
