/**
 * Registering and loading ONNX models: {@link io.github.mlops4j.onnx.OnnxArtifact} reads a graph's
 * signature at registration; {@link io.github.mlops4j.onnx.OnnxLoader} loads registered versions
 * for the registry and the services built on it.
 */
@NullMarked
package io.github.mlops4j.onnx;

import org.jspecify.annotations.NullMarked;
