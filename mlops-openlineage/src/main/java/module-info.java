/**
 * mlops4j OpenLineage: the lineage of runs, their datasets, registered model versions, registry
 * changes and feature materializations, sent as OpenLineage events to a catalog such as Marquez,
 * DataHub or Apache Atlas, asynchronously and in bounded memory.
 *
 * <p>{@code openlineage-java} has no {@code Automatic-Module-Name}: its module name is derived from
 * its jar's file name ({@code openlineage.java}), which is what this descriptor requires.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.openlineage {
  exports io.github.mlops4j.openlineage;

  requires transitive io.github.mlops4j.registry;
  requires openlineage.java;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
