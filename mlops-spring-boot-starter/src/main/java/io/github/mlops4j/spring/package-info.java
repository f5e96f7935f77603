/**
 * Spring Boot auto-configuration of mlops4j: {@link io.github.mlops4j.spring.MlopsProperties}
 * ({@code mlops.*}), the shared store and services, one {@code InferenceService} bean per served
 * model with graceful drain ({@link io.github.mlops4j.spring.ServedModels}), and Micrometer
 * observations ({@link io.github.mlops4j.spring.PredictionObservations}).
 */
@NullMarked
package io.github.mlops4j.spring;

import org.jspecify.annotations.NullMarked;
