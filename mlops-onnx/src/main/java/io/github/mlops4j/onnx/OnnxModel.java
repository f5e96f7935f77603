package io.github.mlops4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.internal.DenseBatches;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.RealInfo;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.impl.EmptyDatasetProvenance;
import org.tribuo.provenance.impl.EmptyTrainerProvenance;

/**
 * An ONNX graph in an onnxruntime session, as a Tribuo model: a list of examples is predicted with
 * one {@code OrtSession.run} (the micro-batcher's and {@code BatchJob}'s chunks are one call each).
 * Features are matched to the graph's columns or inputs by name; a feature the example lacks is 0.
 * Closing it closes the session; predicting afterwards throws {@link IllegalStateException}.
 *
 * <p>Its feature domain observes every feature at the extremes of the range its graph input takes,
 * so that serving never blames an input value for a failure of the graph (ONNX files carry no
 * training ranges) but does blame a value the input type cannot hold: a float or double input spans
 * the double range, an int32 input {@code [-2^31, 2^31 - 1]}, an int64 input {@code [-2^53, 2^53]}
 * (the whole numbers a double holds exactly, which the signature's {@code INTEGER} type admits). A
 * value outside is refused by {@link OnnxInputs} before the run and judged by serving an {@code
 * OUT_OF_RANGE} invalid input, not a fault of the version.
 */
abstract class OnnxModel<T extends Output<T>> extends Model<T> implements AutoCloseable {
  private static final long serialVersionUID = 1L;

  private final transient OrtEnvironment env;
  private final transient OrtSession session;
  private final transient OrtSession.SessionOptions options;
  final transient OnnxBinding binding;
  private final transient Map<String, Integer> columnOf;
  private final transient AtomicLong runs = new AtomicLong();
  private final transient AtomicBoolean closed = new AtomicBoolean();
  private transient volatile @Nullable OnnxLoader sessions; // counts this model's session close
  private final String modelName;
  private final int modelVersion;

  OnnxModel(
      String modelName,
      int modelVersion,
      ImmutableOutputInfo<T> outputInfo,
      boolean probabilities,
      OrtEnvironment env,
      OrtSession session,
      OrtSession.SessionOptions options,
      OnnxBinding binding) {
    super(
        modelName + "-v" + modelVersion,
        new ModelProvenance(
            OnnxModel.class.getName(),
            OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            new EmptyDatasetProvenance(),
            new EmptyTrainerProvenance()),
        featureMap(binding),
        outputInfo,
        probabilities);
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.env = env;
    this.session = session;
    this.options = options;
    this.binding = binding;
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < binding.columns().size(); i++) {
      columns.put(binding.columns().get(i), i);
    }
    this.columnOf = columns;
  }

  private static ImmutableFeatureMap featureMap(OnnxBinding binding) {
    MutableFeatureMap m = new MutableFeatureMap();
    for (String n : binding.columns()) {
      // a real domain spanning the input type's range (two observations given to add() would make
      // it a categorical one, whose every value is "never seen in training")
      double[] range =
          switch (binding.typeOf(n)) {
            case INT32 -> new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case INT64 -> new double[] {-0x1p53, 0x1p53};
            default -> new double[] {-Double.MAX_VALUE, Double.MAX_VALUE};
          };
      m.put(new RealInfo(n, 2, range[1], range[0], 0.0, 0.0));
    }
    return new ImmutableFeatureMap(m);
  }

  /**
   * Opens a session on verified, checked bytes and binds its graph to the signature.
   *
   * @throws OnnxModelException if onnxruntime refuses the file or the graph does not fit
   */
  static <T extends Output<T>> Model<T> open(
      String name,
      int version,
      byte[] bytes,
      ModelSignature signature,
      Class<T> outputType,
      OnnxLoader settings) {
    OnnxKind kind = OnnxKind.of(signature.outputType());
    if (kind == null) {
      throw new OnnxModelException(
          name, version, "Output type '" + signature.outputType() + "' is not served from ONNX");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    OrtSession session = null;
    try {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(settings.interOpThreads());
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(level(settings.optimization()));
      options.setCPUArenaAllocator(settings.memoryArena());
      session = env.createSession(bytes, options);
      settings.sessionsOpened.incrementAndGet();
      List<String> labels = signature.outputLabels();
      OnnxBinding binding =
          OnnxBinding.of(
              session,
              signature.inputNames(),
              kind,
              labels.size(),
              kind == OnnxKind.REGRESSION && !labels.isEmpty() ? labels.get(0) : null);
      OnnxModel<?> model =
          kind == OnnxKind.CLASSIFICATION
              ? new OnnxClassifier(name, version, labels, env, session, options, binding)
              : new OnnxRegressor(
                  name,
                  version,
                  labels.isEmpty() ? binding.scores() : labels.get(0),
                  env,
                  session,
                  options,
                  binding);
      if (!model.validate(outputType)) { // the session is closed below
        throw new OnnxModelException(
            name, version, name + " v" + version + " is not a " + outputType.getSimpleName());
      }
      model.sessions = settings;
      return model.castModel(outputType);
    } catch (OrtException | IllegalArgumentException e) {
      closeQuietly(session, options, settings);
      throw new OnnxModelException(
          name,
          version,
          "Version "
              + version
              + " of '"
              + name
              + "' cannot be loaded: "
              + cut(String.valueOf(e.getMessage())),
          e);
    } catch (RuntimeException | Error e) {
      closeQuietly(session, options, settings);
      throw e;
    }
  }

  static OrtSession.SessionOptions.OptLevel level(OnnxLoader.Optimization o) {
    return switch (o) {
      case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
    };
  }

  private static void closeQuietly(
      @Nullable OrtSession session,
      OrtSession.SessionOptions options,
      @Nullable OnnxLoader sessions) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // the load already failed or the version retires; nothing more can be done with it
      }
      if (sessions != null) {
        sessions.sessionsClosed.incrementAndGet();
      }
    }
    options.close();
  }

  static String cut(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
  }

  /** How many {@code OrtSession.run} calls this model made. */
  long runs() {
    return runs.get();
  }

  /** The predictions of one run's outputs, in the order of {@code batch}. */
  abstract List<Prediction<T>> decode(OrtSession.Result result, List<Example<T>> batch)
      throws OrtException;

  @Override
  public Prediction<T> predict(Example<T> example) {
    return run(List.of(example)).get(0);
  }

  @Override
  public List<Prediction<T>> predict(Iterable<Example<T>> examples) {
    return innerPredict(examples);
  }

  @Override
  protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
    return DenseBatches.predict(examples, binding.columns().size(), this::run);
  }

  private List<Prediction<T>> run(List<Example<T>> batch) {
    int n = batch.size();
    int f = binding.columns().size();
    double[] data = new double[n * f];
    DenseBatches.fill(batch, columnOf, f, (i, v) -> data[i] = v);
    return run(data, n, result -> decode(result, batch));
  }

  /** Reads the outputs of one run. */
  @FunctionalInterface
  interface Decoder<R> {
    R decode(OrtSession.Result result) throws OrtException;
  }

  /**
   * One {@code OrtSession.run} on {@code n} rows of {@code data} (row-major over the binding's
   * columns), its outputs read by {@code decoder} before they are closed.
   */
  final <R> R run(double[] data, int n, Decoder<R> decoder) {
    if (closed.get()) {
      throw new IllegalStateException(
          "Version " + modelVersion + " of '" + modelName + "' is closed (retired)");
    }
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try {
      OnnxInputs.create(env, binding, data, n, inputs);
      runs.incrementAndGet();
      try (OrtSession.Result result = session.run(inputs, binding.fetched())) {
        return decoder.decode(result);
      }
    } catch (OrtException e) {
      throw new OnnxModelException(
          modelName,
          modelVersion,
          "onnxruntime failed on "
              + n
              + " row(s) of version "
              + modelVersion
              + " of '"
              + modelName
              + "': "
              + cut(String.valueOf(e.getMessage())),
          e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Closes the session; bounded, idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(session, options, sessions);
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    return Map.of();
  }

  @Override
  public Optional<Excuse<T>> getExcuse(Example<T> example) {
    return Optional.empty();
  }

  @Override
  protected Model<T> copy(String newName, ModelProvenance newProvenance) {
    throw new UnsupportedOperationException("An ONNX model is not copied; load it again");
  }
}
