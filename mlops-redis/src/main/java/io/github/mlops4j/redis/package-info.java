/**
 * Online features in Redis: {@link io.github.mlops4j.redis.RedisOnlineStore} keeps the newest
 * materialized row of each (view, entity) in one Redis hash and reads many entities in one round
 * trip.
 */
@NullMarked
package io.github.mlops4j.redis;

import org.jspecify.annotations.NullMarked;
