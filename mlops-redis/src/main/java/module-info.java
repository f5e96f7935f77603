/**
 * mlops4j Redis: an {@link io.github.mlops4j.features.OnlineStore} in Redis, so that the replicas
 * of a service share materialized features.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.redis {
  exports io.github.mlops4j.redis;

  requires transitive io.github.mlops4j;
  requires transitive lettuce.core;
  requires static transitive org.jspecify;
}
