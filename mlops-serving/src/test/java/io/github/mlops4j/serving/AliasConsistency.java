package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.AliasMoves.Kind;
import io.github.mlops4j.serving.AliasMoves.Op;
import io.github.mlops4j.serving.AliasMoves.Outcome;
import io.github.mlops4j.testing.PausingDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * The machinery of {@link AliasConsistencyProperties} and {@link AliasConsistencyAcrossJvmsIT}.
 * Random sequences of alias changes (set, compare-and-set, set-if-absent, delete, rollback, new
 * versions), made back to back while other threads resolve and an {@link InferenceService} follows
 * the alias; optionally with the service's loader held exactly between its read of the registry and
 * its use of the answer while the next change is made. Two properties:
 *
 * <ul>
 *   <li>read-your-writes: once a change has returned (same registry), or once the observing
 *       registry has picked it up by {@code refresh()} or by its watcher, {@code resolve} answers
 *       what the database holds;
 *   <li>convergence: the service ends on the alias's final version, following the registry's events
 *       (never {@code refresh}); the wait for it is only a safety net.
 * </ul>
 *
 * Each in three set-ups: the changes through the service's own registry; through a second registry
 * instance on the same workspace in this JVM; and through another JVM (an integration test, as it
 * starts a process).
 */
abstract class AliasConsistency {
  /** Safety net for waits that only run out when the code under test is broken. */
  private static final long SAFETY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static List<Model<Label>> models;

  @TempDir Path temp;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  @BeforeAll
  static void train() {
    models = List.of(TestModels.classifier(0), TestModels.classifier(1), TestModels.classifier(2));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Applies changes and reports what the database says after each. */
  interface Mover {
    Outcome setUp(String model);

    Outcome apply(String model, Op op);
  }

  static Gen<List<Op>> changes() {
    Gen<Op> op = arbitrary().enumValues(Kind.class).zip(integers().between(1, 4), Op::new);
    return lists().of(op).ofSizeBetween(1, 7);
  }

  /** Where the loader is held: during the change with this index; out of range for nowhere. */
  static Gen<Integer> pauses() {
    return integers().between(-1, 6);
  }

  static Gen<Integer> resolverThreads() {
    return integers().between(0, 2);
  }

  // ---------------------------------------------------------------- one example

  void check(
      ModelRegistry observer,
      PausingDataSource db,
      Mover mover,
      boolean elsewhere,
      List<Op> ops,
      int pauseAt,
      int threads) {
    String model = "m" + names.incrementAndGet();
    Outcome o = mover.setUp(model);
    if (elsewhere) {
      observer.refresh(); // the set-up is not part of the property
    }
    AtomicLong announced = new AtomicLong(o.lastSeq());
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> resolvers = new ArrayList<>();
    try (AutoCloseable listening =
            observer.addListener(
                e -> {
                  if (e.model().equals(model)) {
                    announced.accumulateAndGet(e.entry().sequence(), Math::max);
                  }
                });
        InferenceService service =
            InferenceService.builder()
                .registry(observer)
                .model(model)
                .alias(AliasMoves.ALIAS)
                .build()) {
      // Other readers of the same cache; they leave the alias itself to the service's loader,
      // so that the loader's own read is the one held when a pause is asked for.
      for (int t = 0; t < threads; t++) {
        Thread r =
            new Thread(
                () -> {
                  try {
                    while (!stop.get()) {
                      observer.resolve(model, "latest");
                      observer.resolve(model, "1");
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                });
        r.start();
        resolvers.add(r);
      }
      String loader = "mlops-serving-loader-" + model;
      List<Op> todo = new ArrayList<>(ops);
      for (int i = 0; i < todo.size(); i++) {
        boolean pause = i == pauseAt && i + 1 < todo.size();
        if (pause) {
          db.pauseNextClose(t -> t.getName().equals(loader));
        }
        o = move(observer, mover, elsewhere, model, todo, i);
        if (pause) {
          try {
            if (o.changed()) {
              db.awaitRead(); // the loader read the registry and waits to use what it read
              i++;
              o = move(observer, mover, elsewhere, model, todo, i);
            }
          } finally {
            db.resume();
          }
        }
        if (!elsewhere || i < todo.size() - 1) {
          assertReadYourWrites(observer, model, o, "after " + todo.subList(0, i + 1));
        }
      }
      if (elsewhere) {
        // the last change is left to the watcher: no refresh
        long seq = o.lastSeq();
        awaitSafely(() -> announced.get() >= seq, "the watcher announcing #" + seq);
        assertReadYourWrites(observer, model, o, "after the watcher announced " + todo);
      }
      int expected = o.champion();
      awaitSafely(
          () -> service.activeVersion() == expected,
          "the service following " + todo + " to v" + expected);
      assertThat(service.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(expected);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      stop.set(true);
      for (Thread r : resolvers) {
        try {
          r.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Applies {@code todo[i]}; if the alias is gone after the last change, adds a SET so that the
   * service has a version to end on. Another instance's change is picked up at once with {@code
   * refresh()}, except the last one, which is left to the watcher.
   */
  private static Outcome move(
      ModelRegistry observer, Mover mover, boolean elsewhere, String model, List<Op> todo, int i) {
    Outcome o = mover.apply(model, todo.get(i));
    if (i == todo.size() - 1 && o.champion() == 0) {
      todo.add(new Op(Kind.SET, 1 + i % 3));
    }
    if (elsewhere && i < todo.size() - 1) {
      observer.refresh();
    }
    return o;
  }

  private static void assertReadYourWrites(
      ModelRegistry registry, String model, Outcome o, String when) {
    assertThat(registry.resolve(model, AliasMoves.ALIAS).map(ModelVersion::version).orElse(0))
        .as("%s resolves %s", AliasMoves.ALIAS, when)
        .isEqualTo(o.champion());
    assertThat(registry.resolve(model, "latest").map(ModelVersion::version).orElse(0))
        .as("latest resolves %s", when)
        .isEqualTo(o.latest());
  }

  private static void awaitSafely(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + SAFETY_NANOS;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("still waiting for %s", what).isNegative();
      LockSupport.parkNanos(1_000_000);
    }
  }

  // ---------------------------------------------------------------- movers

  static Mover local(ModelRegistry registry) {
    return new Mover() {
      @Override
      public Outcome setUp(String model) {
        return AliasMoves.setUp(registry, model, models);
      }

      @Override
      public Outcome apply(String model, Op op) {
        return AliasMoves.apply(registry, model, op, models);
      }
    };
  }

  /** Runs {@link AliasMovingChild} in another JVM and talks to it line by line. */
  static final class ChildMover implements Mover, AutoCloseable {
    private final Process child;
    private final Writer in;
    private final BufferedReader out;
    private final Path log;

    ChildMover(Path workspace, Path log) throws IOException {
      this.log = log;
      child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  AliasMovingChild.class.getName(),
                  workspace.toString())
              .redirectError(log.toFile())
              .start();
      in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (!"ready".equals(first)) {
        throw new IllegalStateException("the child did not start: " + first + "; " + tail());
      }
    }

    @Override
    public Outcome setUp(String model) {
      return call("setup " + model);
    }

    @Override
    public Outcome apply(String model, Op op) {
      return call("op " + model + " " + op.encode());
    }

    private Outcome call(String command) {
      try {
        in.write(command + "\n");
        in.flush();
        String reply = out.readLine();
        if (reply == null || !reply.startsWith("ok ")) {
          throw new IllegalStateException(
              "the child answered '" + reply + "' to '" + command + "'; " + tail());
        }
        return Outcome.decode(reply);
      } catch (IOException e) {
        throw new IllegalStateException("talking to the child failed; " + tail(), e);
      }
    }

    private String tail() {
      try {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return "its log ends: " + text.substring(Math.max(0, text.length() - 2_000));
      } catch (IOException e) {
        return "its log is unreadable: " + e;
      }
    }

    @Override
    public void close() throws Exception {
      try {
        in.write("quit\n");
        in.flush();
      } catch (IOException e) {
        // it is gone already
      }
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
