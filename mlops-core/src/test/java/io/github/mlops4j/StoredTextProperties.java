package io.github.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureDataException;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Strings with and without lone UTF-16 surrogates, through {@link StoredText} and through the real
 * services on one SQLite workspace: a string is either refused with an error naming the field and
 * the position, or stored and read back exactly.
 */
class StoredTextProperties {
  private static final long SEED = 0x5354_4f52_4544L;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String REF = "users:score";

  /** Pieces that join into well-formed and malformed strings, including '?' look-alikes. */
  private static final List<String> PIECES =
      List.of(
          "a",
          "Z",
          "?",
          " ",
          "é",
          "中",
          "\uFFFD",
          "\uD83D\uDE00" /* a valid pair */,
          "\uD800",
          "\uDBFF",
          "\uDC00",
          "\uDFFF",
          "\uD834");

  @TempDir Path temp;
  private Tracker tracker;
  private FeatureStore features;
  private Run run;
  private final AtomicInteger examples = new AtomicInteger();

  @BeforeEach
  void open() {
    Path ws = temp.resolve("ws");
    tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build();
    features =
        FeatureStore.builder()
            .store(tracker.store())
            .clock(Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC))
            .build();
    features.apply(
        FeatureView.builder("users")
            .entity("user", ValueType.STRING)
            .feature("score", ValueType.DOUBLE)
            .feature("label", ValueType.STRING)
            .build());
    run = tracker.startRun("strings");
  }

  @AfterEach
  void close() {
    features.close();
    tracker.close(Duration.ofSeconds(30));
  }

  private static QuickTheory quick() {
    return qt().withFixedSeed(SEED).withExamples(300);
  }

  private static Gen<String> strings() {
    return lists()
        .of(Generate.pick(PIECES))
        .ofSizeBetween(1, 8)
        .map(parts -> String.join("", parts));
  }

  /**
   * Independent oracle: where the JDK's strict UTF-8 encoder stops as malformed, or -1 if the whole
   * string encodes.
   */
  private static int malformedAt(String s) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    CharBuffer in = CharBuffer.wrap(s);
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(s.length() * 4 + 8);
    CoderResult result = encoder.encode(in, out, true);
    return result.isMalformed() ? in.position() : -1;
  }

  @Test
  void check_acceptsExactlyTheStringsThatRoundTripThroughUtf8() {
    quick()
        .forAll(strings())
        .checkAssert(
            s -> {
              int bad = malformedAt(s);
              boolean roundTrips =
                  new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
              assertThat(bad < 0)
                  .as("oracle agrees with the round trip for %s", StoredText.quote(s))
                  .isEqualTo(roundTrips);
              assertThat(StoredText.firstLoneSurrogate(s)).isEqualTo(bad);
              if (bad < 0) {
                assertThat(StoredText.check(s, "f")).isSameAs(s);
              } else {
                assertThatThrownBy(() -> StoredText.check(s, "the field"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the field has a lone UTF-16 surrogate")
                    .hasMessageContaining("at index " + bad + " ");
              }
            });
  }

  @Test
  void paramsTagsAndRunNames_areRefusedOrStoredExactly() {
    quick()
        .forAll(strings())
        .checkAssert(
            s -> {
              int n = examples.incrementAndGet();
              String key = "p" + n;
              int bad = malformedAt(s);
              if (bad < 0) {
                run.logParam(key, s);
                run.logParam(key, s); // the same value again is no conflict
                run.setTag(key, s);
                Run named = tracker.newRun("strings").name("r" + s).start();
                named.close();
                RunInfo info = tracker.findRun(run.id()).orElseThrow();
                assertThat(info.params().get(key)).isEqualTo(s);
                assertThat(info.tags().get(key)).isEqualTo(s);
                assertThat(tracker.findRun(named.id()).orElseThrow().runName()).isEqualTo("r" + s);
              } else {
                assertThatThrownBy(() -> run.logParam(key, s))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("index " + bad);
                assertThatThrownBy(() -> run.setTag(key, s))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("index " + bad);
                assertThatThrownBy(() -> tracker.newRun("strings").name("r" + s))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Run name")
                    .hasMessageContaining("index " + (bad + 1));
                assertThatThrownBy(() -> run.logArtifact(temp, "dir/" + s))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("artifact path")
                    .hasMessageContaining("index " + (bad + 4));
                RunInfo info = tracker.findRun(run.id()).orElseThrow();
                assertThat(info.params()).doesNotContainKey(key);
                assertThat(info.tags()).doesNotContainKey(key);
              }
            });
  }

  @Test
  void entityKeysAndStringValues_areRefusedOrStored_andHistoricalAgreesWithOnline() {
    quick()
        .forAll(strings())
        .checkAssert(
            s -> {
              int n = examples.incrementAndGet();
              double score = n;
              Instant at = T0.plusSeconds(n);
              Map<String, Object> key = Map.of("user", s);
              int bad = malformedAt(s);
              if (bad < 0) {
                features.write(
                    "users",
                    List.of(FeatureRow.of(key, at, at, Map.of("score", score, "label", s))));
                features.materialize(at.plusSeconds(1));
                Object historical =
                    features
                        .historical(List.of(EntityRow.of(key, at.plusSeconds(1))), List.of(REF))
                        .get(0)
                        .get(REF);
                Object online = features.online(key, List.of(REF, "users:label")).get(0, REF);
                assertThat(historical).isEqualTo(score);
                assertThat(online).isEqualTo(historical);
                assertThat(features.online(key, List.of("users:label")).get(0, "users:label"))
                    .isEqualTo(s);
              } else {
                assertThatThrownBy(
                        () ->
                            features.write(
                                "users",
                                List.of(FeatureRow.of(key, T0, T0, Map.of("score", score)))))
                    .isInstanceOf(FeatureDataException.class)
                    .hasMessageContaining("user")
                    .hasMessageContaining("index " + bad);
                assertThatThrownBy(
                        () ->
                            features.write(
                                "users",
                                List.of(
                                    FeatureRow.of(
                                        Map.of("user", "ok"), T0, T0, Map.of("label", s)))))
                    .isInstanceOf(FeatureDataException.class)
                    .hasMessageContaining("label")
                    .hasMessageContaining("index " + bad);
                assertThatThrownBy(() -> features.online(key, List.of(REF)))
                    .isInstanceOf(FeatureDataException.class)
                    .hasMessageContaining("index " + bad);
                assertThatThrownBy(
                        () ->
                            features.historical(
                                List.of(EntityRow.of(key, T0.plusSeconds(1))), List.of(REF)))
                    .isInstanceOf(FeatureDataException.class)
                    .hasMessageContaining("index " + bad);
              }
            });
  }

  @Test
  void aLoneSurrogateAndAQuestionMark_areNeverTheSameEntity() {
    features.write(
        "users", List.of(FeatureRow.of(Map.of("user", "s?"), T0, T0, Map.of("score", 1.0))));
    features.materialize(T0.plusSeconds(1));

    assertThatThrownBy(() -> features.online(Map.of("user", "s\uD800"), List.of(REF)))
        .isInstanceOf(FeatureDataException.class);
    assertThat(features.online(Map.of("user", "s?"), List.of(REF)).value(REF).status())
        .isEqualTo(FeatureStatus.PRESENT);
    assertThatThrownBy(() -> run.logParam("x", "s\uD800"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+D800 at index 1")
        .hasMessageContaining("\"s\\uD800\"");
  }
}
