/**
 * Maven goals for build pipelines: {@link io.github.mlops4j.maven.GateMojo mlops:gate} fails the
 * build when a registered candidate fails its validation gate, {@link
 * io.github.mlops4j.maven.RegisterMojo mlops:register} registers a model file built by the project
 * with the commit it was built from.
 */
@NullMarked
package io.github.mlops4j.maven;

import org.jspecify.annotations.NullMarked;
