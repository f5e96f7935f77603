package io.github.mlops4j.onnx;

import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Loads registered ONNX versions with onnxruntime, for {@code ModelRegistry.loadTribuo} and every
 * service built on it ({@code InferenceService}, {@code BatchJob}, {@code ModelEvaluator}).
 *
 * <p>Found through {@link java.util.ServiceLoader} when {@code mlops-onnx} is on the class path,
 * with the defaults below; give a configured one to {@code
 * ModelRegistry.builder().modelLoader(OnnxLoader.builder()...build())}.
 *
 * <p>What it checks, in order: the registry has checked the artifact's size and SHA-256; the file's
 * protobuf structure is read without onnxruntime, refusing tensors stored in external files and
 * tensors that declare more than {@link Builder#maxTensorBytes} in all; onnxruntime builds a
 * session (custom operator libraries are never registered, so a graph that needs one fails here);
 * the graph's inputs and outputs must fit the signature stored at registration.
 *
 * <p>Session defaults for a JVM that does other work: one intra-op and one inter-op thread (one
 * prediction does not take every core), sequential execution, the CPU memory arena on, every graph
 * optimization. The session is closed when the version retires.
 *
 * @since 0.1.0
 */
public final class OnnxLoader implements ModelFormatLoader {
  /** The format name of ONNX versions. */
  public static final String FORMAT = "onnx";

  /** How much onnxruntime rewrites the graph when it opens a session. */
  public enum Optimization {
    /** No rewriting. */
    NONE,
    /** Redundant nodes removed, constants folded. */
    BASIC,
    /** Also node fusions. */
    EXTENDED,
    /** Everything, layout changes included (onnxruntime's default). */
    ALL
  }

  private final int intraOpThreads;
  private final int interOpThreads;
  private final Optimization optimization;
  private final boolean memoryArena;
  private final long maxTensorBytes;

  /** Sessions this loader opened, and of those, how many were closed since (for tests). */
  final AtomicLong sessionsOpened = new AtomicLong();

  final AtomicLong sessionsClosed = new AtomicLong();

  /** The loader with the defaults; used by {@link java.util.ServiceLoader}. */
  public OnnxLoader() {
    this(new Builder());
  }

  private OnnxLoader(Builder b) {
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimization = b.optimization;
    this.memoryArena = b.memoryArena;
    this.maxTensorBytes = b.maxTensorBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /**
   * Loads a verified ONNX version as a model of {@code outputType} ({@code Label} for a version
   * registered with {@link OnnxArtifact#classification}, {@code Regressor} for {@link
   * OnnxArtifact#regression}).
   *
   * @throws OnnxModelException if the file fails a check, onnxruntime refuses it, its graph does
   *     not fit the stored signature, or onnxruntime is not on the class path
   */
  @Override
  public <T extends Output<T>> Model<T> load(
      ModelVersion version, byte[] bytes, Class<T> outputType) {
    String name = version.modelName();
    int number = version.version();
    ModelSignature signature =
        version
            .signature()
            .orElseThrow(
                () ->
                    new OnnxModelException(
                        name,
                        number,
                        "Version "
                            + number
                            + " of '"
                            + name
                            + "' has no signature; register ONNX files with"
                            + " OnnxArtifact.of(file)...toArtifact(), which reads it from the graph"));
    OnnxKind kind = OnnxKind.of(signature.outputType());
    if (kind == null || !kind.outputClass().equals(outputType.getName())) {
      throw new OnnxModelException(
          name,
          number,
          name
              + " v"
              + number
              + " is a "
              + signature.outputType()
              + " model, not "
              + outputType.getSimpleName());
    }
    checkFile(name, number, bytes);
    try {
      return OnnxModel.open(name, number, bytes, signature, outputType, this);
    } catch (NoClassDefFoundError e) {
      throw missingRuntime(name, number, e);
    }
  }

  void checkFile(@org.jspecify.annotations.Nullable String name, int number, byte[] bytes) {
    try {
      OnnxFileCheck.check(bytes, maxTensorBytes);
    } catch (IllegalArgumentException e) {
      throw new OnnxModelException(
          name,
          name == null ? null : number,
          (name == null ? "The ONNX file" : "Version " + number + " of '" + name + "'")
              + " was refused before onnxruntime saw it: "
              + e.getMessage(),
          e);
    }
  }

  static OnnxModelException missingRuntime(
      @org.jspecify.annotations.Nullable String name, int number, Throwable cause) {
    return new OnnxModelException(
        name,
        name == null ? null : number,
        "onnxruntime is not on the class path: add com.microsoft.onnxruntime:onnxruntime"
            + " (mlops-onnx declares it; it was excluded or is missing at run time)",
        cause);
  }

  int intraOpThreads() {
    return intraOpThreads;
  }

  int interOpThreads() {
    return interOpThreads;
  }

  Optimization optimization() {
    return optimization;
  }

  boolean memoryArena() {
    return memoryArena;
  }

  /** Configures an {@link OnnxLoader}; setters check their arguments at once. */
  public static final class Builder {
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private Optimization optimization = Optimization.ALL;
    private boolean memoryArena = true;
    private long maxTensorBytes = 1L << 30;

    private Builder() {}

    /** Threads one prediction may use inside an operator (default 1). */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = positive(threads, "intraOpThreads");
      return this;
    }

    /** Threads that run independent operators (default 1: sequential execution). */
    public Builder interOpThreads(int threads) {
      this.interOpThreads = positive(threads, "interOpThreads");
      return this;
    }

    /** Graph optimizations when a session opens (default {@link Optimization#ALL}). */
    public Builder optimization(Optimization optimization) {
      this.optimization = Objects.requireNonNull(optimization, "optimization");
      return this;
    }

    /**
     * Whether the session keeps freed memory in onnxruntime's CPU arena for reuse (default true;
     * false returns it at once, at some speed cost).
     */
    public Builder memoryArena(boolean on) {
      this.memoryArena = on;
      return this;
    }

    /**
     * The most bytes all tensors of a model file (initializers, constants) may declare together
     * (default 1 GiB); a file over it is refused before onnxruntime allocates anything.
     */
    public Builder maxTensorBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxTensorBytes must be at least 1, was " + bytes);
      }
      this.maxTensorBytes = bytes;
      return this;
    }

    public OnnxLoader build() {
      return new OnnxLoader(this);
    }

    private static int positive(int n, String what) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException(what + " must be between 1 and 1024, was " + n);
      }
      return n;
    }
  }
}
