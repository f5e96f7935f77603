/**
 * mlops4j MLflow: moving history between MLflow and a workspace. {@link
 * io.github.mlops4j.mlflow.MlflowImport} reads an MLflow file store ({@code mlruns/}: experiments,
 * runs, params, metrics, tags, artifacts, registered models, versions and aliases) into a
 * workspace.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.mlflow {
  exports io.github.mlops4j.mlflow;

  requires transitive io.github.mlops4j.registry;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires org.slf4j;
  requires static transitive org.jspecify;
}
