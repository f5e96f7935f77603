/** Actuator health and info contributions and meters of mlops4j's components. */
@NullMarked
package io.github.mlops4j.spring.actuate;

import org.jspecify.annotations.NullMarked;
