/**
 * mlops4j MLflow: MLflow's tracking and model registry REST API served from an mlops4j workspace,
 * so MLflow's clients log to and read from it; the export of a workspace's runs and models to an
 * MLflow server; and {@link io.github.mlops4j.mlflow.MlflowImport}, which reads an MLflow file
 * store ({@code mlruns/}) into a workspace.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.mlflow {
  exports io.github.mlops4j.mlflow;

  requires transitive io.github.mlops4j.registry;
  requires transitive jdk.httpserver;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
