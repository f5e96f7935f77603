package io.github.mlops4j.serving.testing;

import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.provenance.ModelProvenance;

/**
 * Real Tribuo models served through a {@link ModelFormatLoader} of format {@value #FORMAT} that
 * wraps each in a {@link Counting} model: it delegates every prediction to the real model and
 * counts the calls, one per {@code predict(Iterable)} (a batch) and one per {@code
 * predict(Example)}.
 */
public final class CountingModels implements ModelFormatLoader {
  public static final String FORMAT = "counting-tribuo";

  private final Map<String, Model<?>> models = new ConcurrentHashMap<>();

  /** The wrapper of each loaded version, by version number. */
  public final Map<Integer, Counting<?>> loaded = new ConcurrentHashMap<>();

  @Override
  public String format() {
    return FORMAT;
  }

  /**
   * An artifact naming {@code model} by {@code key} (the file holds the key), with the model's
   * signature; this loader serves the model for it.
   */
  public ModelArtifact artifact(Path dir, String key, Model<?> model) {
    models.put(key, model);
    try {
      Path file = Files.writeString(dir.resolve(key + ".counting"), key, StandardCharsets.UTF_8);
      return ModelArtifact.file(file, FORMAT).signature(ModelSignature.of(model));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T extends Output<T>> Model<T> load(
      ModelVersion version, byte[] bytes, Class<T> outputType) {
    String key = new String(bytes, StandardCharsets.UTF_8);
    Model<?> m = models.get(key);
    if (m == null) {
      throw new IllegalArgumentException("no model for key " + key);
    }
    Counting<T> c = new Counting<>(m.castModel(outputType));
    loaded.put(version.version(), c);
    return c;
  }

  /**
   * A real model that counts its calls; a batch call can be held at a latch; closing it is
   * recorded, and a batch call after it fails.
   */
  public static final class Counting<T extends Output<T>> extends Model<T>
      implements AutoCloseable {
    private static final long serialVersionUID = 1L;

    private final transient Model<T> inner;

    /** Calls of {@code predict(Iterable)}: one per batch. */
    public final transient AtomicInteger batchCalls = new AtomicInteger();

    /** Calls of {@code predict(Example)} from outside (a batch's own rows are not counted). */
    public final transient AtomicInteger singleCalls = new AtomicInteger();

    /** The sizes of the batches, in call order. */
    public final transient List<Integer> batchSizes =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Counted down when the service closes the model (its version released). */
    public final transient CountDownLatch closed = new CountDownLatch(1);

    private transient volatile CountDownLatch entered = new CountDownLatch(0);
    private transient volatile CountDownLatch proceed = new CountDownLatch(0);

    Counting(Model<T> inner) {
      super(
          inner.getName(),
          inner.getProvenance(),
          inner.getFeatureIDMap(),
          inner.getOutputIDInfo(),
          inner.generatesProbabilities());
      this.inner = inner;
    }

    /**
     * The next batch call counts {@code entered} down when it starts and waits for {@code proceed}
     * (bounded: 30 s, a safety net) before predicting.
     */
    public void holdNextBatch(CountDownLatch entered, CountDownLatch proceed) {
      this.entered = entered;
      this.proceed = proceed;
    }

    @Override
    public Prediction<T> predict(Example<T> example) {
      singleCalls.incrementAndGet();
      return inner.predict(example);
    }

    @Override
    public List<Prediction<T>> predict(Iterable<Example<T>> examples) {
      batchCalls.incrementAndGet();
      List<Example<T>> batch = new ArrayList<>();
      examples.forEach(batch::add);
      batchSizes.add(batch.size());
      CountDownLatch e = entered;
      CountDownLatch p = proceed;
      entered = new CountDownLatch(0);
      proceed = new CountDownLatch(0);
      e.countDown();
      try {
        if (!p.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the held batch was never let go");
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
      if (closed.getCount() == 0) {
        throw new IllegalStateException("predicted after it was closed");
      }
      return inner.predict(batch);
    }

    @Override
    public void close() {
      closed.countDown();
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
      return inner.getTopFeatures(n);
    }

    @Override
    public Optional<Excuse<T>> getExcuse(Example<T> example) {
      return inner.getExcuse(example);
    }

    @Override
    protected Model<T> copy(String newName, ModelProvenance newProvenance) {
      return new Counting<>(inner.copy());
    }

    @Override
    public String toString() {
      return "Counting(" + inner.getName() + ")";
    }
  }
}
