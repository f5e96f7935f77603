package io.github.mlops4j.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelFormatLoader}s of a registry: the explicit ones, then those found through {@link
 * ServiceLoader} on first use (a registry that only loads Tribuo models never looks).
 */
final class FormatLoaders {
  private static final Logger LOG = LoggerFactory.getLogger(FormatLoaders.class);

  /** The module that brings the loader of a format this project knows. */
  private static final Map<String, String> MODULES =
      Map.of(
          "onnx",
          "io.github.mlops4j:mlops-onnx (with com.microsoft.onnxruntime:onnxruntime)"
              + " to the class path",
          "xgboost",
          "io.github.mlops4j:mlops-xgboost (with ml.dmlc:xgboost4j_2.12) to the class path");

  private final Map<String, ModelFormatLoader> explicit = new HashMap<>();
  private volatile @Nullable Map<String, ModelFormatLoader> discovered;

  FormatLoaders(List<ModelFormatLoader> explicitLoaders) {
    for (ModelFormatLoader l : explicitLoaders) {
      explicit.put(l.format(), l);
    }
  }

  @Nullable ModelFormatLoader find(String format) {
    ModelFormatLoader l = explicit.get(format);
    return l != null ? l : discovered().get(format);
  }

  /** What to add to load {@code format}, or null if no module of this project reads it. */
  static @Nullable String moduleOf(String format) {
    return MODULES.get(format);
  }

  private Map<String, ModelFormatLoader> discovered() {
    Map<String, ModelFormatLoader> d = discovered;
    if (d == null) {
      d = new HashMap<>();
      ServiceLoader<ModelFormatLoader> services =
          ServiceLoader.load(ModelFormatLoader.class, FormatLoaders.class.getClassLoader());
      for (ServiceLoader.Provider<ModelFormatLoader> p : services.stream().toList()) {
        try {
          ModelFormatLoader l = p.get();
          d.putIfAbsent(l.format(), l);
        } catch (ServiceConfigurationError | LinkageError e) {
          LOG.warn("Model format loader {} is unusable: {}", p.type().getName(), e.toString());
        }
      }
      discovered = d;
    }
    return d;
  }
}
