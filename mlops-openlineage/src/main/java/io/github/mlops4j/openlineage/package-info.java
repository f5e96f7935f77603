/**
 * OpenLineage events for mlops4j: {@link io.github.mlops4j.openlineage.LineageEmitter} observes a
 * tracker, a registry and a feature store and sends what they do through a {@link
 * io.github.mlops4j.openlineage.LineageTransport} (HTTP, a file, or Kafka).
 */
@NullMarked
package io.github.mlops4j.openlineage;

import org.jspecify.annotations.NullMarked;
