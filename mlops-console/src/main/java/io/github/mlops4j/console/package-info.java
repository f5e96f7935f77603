/**
 * A read-only web console over the public APIs of a workspace: {@link
 * io.github.mlops4j.console.ConsoleHandler} (pages and their JSON, for the JDK's HTTP server or any
 * host through {@link io.github.mlops4j.console.ConsoleHandler#respond}), {@link
 * io.github.mlops4j.console.ConsoleServer} (a standalone server on a workspace). The drift page
 * reads the windows that mlops-monitoring's {@code DriftRecorder} keeps in the workspace.
 */
@NullMarked
package io.github.mlops4j.console;

import org.jspecify.annotations.NullMarked;
