/**
 * An example Spring Boot service on mlops4j's starter: {@link
 * io.github.mlops4j.examples.spring.ChurnApplication}.
 */
@NullMarked
package io.github.mlops4j.examples.spring;

import org.jspecify.annotations.NullMarked;
