package io.github.mlops4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Graceful drain over a real port: a request in flight when the application is asked to stop is
 * answered (with a prediction: the model is closed only after the web server drained), readiness
 * turns to refusing first, and new requests are refused while it drains.
 */
class ChurnApplicationDrainIT {
  static final CountDownLatch held = new CountDownLatch(1);
  static final CountDownLatch release = new CountDownLatch(1);
  static final CountDownLatch refusing = new CountDownLatch(1);

  /** Holds requests carrying {@code X-Hold} in the web layer until the test releases them. */
  static final class Hold implements WebMvcConfigurer {
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(
          new HandlerInterceptor() {
            @Override
            public boolean preHandle(
                HttpServletRequest request, HttpServletResponse response, Object handler)
                throws InterruptedException {
              if (request.getHeader("X-Hold") != null) {
                held.countDown();
                assertThat(release.await(60, TimeUnit.SECONDS)).isTrue(); // safety net only
              }
              return true;
            }
          });
    }
  }

  /** Counts down {@link #refusing} when the application stops accepting traffic. */
  static final class Readiness
      implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {
    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
      if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
        refusing.countDown();
      }
    }
  }

  @Test
  void aRequestInFlightIsAnsweredWhileNewOnesAreRefused() throws Exception {
    Path ws = ChurnWorkspace.fill(Files.createTempDirectory("churn-drain"));
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(ChurnApplication.class, Hold.class, Readiness.class)
            .run(
                "--server.port=0",
                "--mlops.workspace=" + ws,
                "--churn.drift.interval=PT24H",
                "--" + ChurnWorkspace.NO_DEADLINE,
                "--spring.lifecycle.timeout-per-shutdown-phase=60s");
    CompletableFuture<Void> closing = null;
    try {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      URI uri = URI.create("http://127.0.0.1:" + port + "/churn/c-1?tenure=2");
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> inFlight =
          client.sendAsync(
              HttpRequest.newBuilder(uri).header("X-Hold", "1").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();

      closing = CompletableFuture.runAsync(app::close);
      assertThat(refusing.await(60, TimeUnit.SECONDS)).isTrue();
      // new requests are refused once the server drains (bounded: a safety net, not a timing)
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean refused = false;
      while (!refused && System.nanoTime() < until) {
        try {
          HttpResponse<String> other =
              HttpClient.newBuilder()
                  .connectTimeout(Duration.ofSeconds(10))
                  .build()
                  .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
          refused = other.statusCode() == 503;
        } catch (IOException expected) {
          refused = true; // connection refused or reset
        }
      }
      assertThat(refused).as("a new request refused while draining").isTrue();
      assertThat(inFlight).isNotDone();
      assertThat(closing).as("the close waits for the request in flight").isNotDone();

      release.countDown();
      HttpResponse<String> answered = inFlight.get(60, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(answered.body()).get("output").asText())
          .isEqualTo(ChurnWorkspace.expected("c-1", 2));
      closing.get(60, TimeUnit.SECONDS);
      assertThat(app.isActive()).isFalse();
    } finally {
      release.countDown();
      if (closing == null) {
        app.close();
      }
    }
  }
}
