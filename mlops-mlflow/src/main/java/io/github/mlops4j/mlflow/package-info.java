/**
 * MLflow's REST API over an mlops4j workspace: {@link io.github.mlops4j.mlflow.MlflowRestApi} (a
 * handler a host mounts in its own HTTP server), {@link io.github.mlops4j.mlflow.MlflowHttpHandler}
 * (the adapter for the JDK's HTTP server), {@link io.github.mlops4j.mlflow.MlflowServer} (a
 * standalone server), {@link io.github.mlops4j.mlflow.MlflowExport} (runs and models copied to an
 * MLflow server), and {@link io.github.mlops4j.mlflow.MlflowImport} (an MLflow file store imported
 * into a workspace, with a {@link io.github.mlops4j.mlflow.MlflowImportReport}).
 */
@NullMarked
package io.github.mlops4j.mlflow;

import org.jspecify.annotations.NullMarked;
