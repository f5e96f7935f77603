/**
 * mlops4j ONNX: models exported to ONNX by other frameworks, registered, served, evaluated and
 * batch-scored like Tribuo models, with onnxruntime.
 *
 * <p>Provides the registry's {@code ModelFormatLoader} for the {@code onnx} format: with this
 * module on the class path (or module path), {@code ModelRegistry.loadTribuo} and every service
 * built on it load ONNX versions.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.onnx {
  exports io.github.mlops4j.onnx;

  requires transitive io.github.mlops4j.registry;
  requires transitive org.tribuo.core;
  requires com.microsoft.onnxruntime;
  requires org.tribuo.classification.core;
  requires org.tribuo.regression.core;
  requires com.google.protobuf;
  requires com.oracle.labs.mlrg.olcut;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  provides io.github.mlops4j.registry.ModelFormatLoader with
      io.github.mlops4j.onnx.OnnxLoader;
}
