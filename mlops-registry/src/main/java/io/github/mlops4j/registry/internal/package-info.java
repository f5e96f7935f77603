/**
 * Internal: not API, may change without notice. Helpers shared by the modules that load other model
 * formats through the registry (ONNX, XGBoost); do not use them from applications.
 */
@NullMarked
package io.github.mlops4j.registry.internal;

import org.jspecify.annotations.NullMarked;
