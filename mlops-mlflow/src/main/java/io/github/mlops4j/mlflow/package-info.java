/**
 * MLflow interoperability: {@link io.github.mlops4j.mlflow.MlflowImport} imports an MLflow file
 * store into a workspace and returns a {@link io.github.mlops4j.mlflow.MlflowImportReport}.
 */
@NullMarked
package io.github.mlops4j.mlflow;

import org.jspecify.annotations.NullMarked;
