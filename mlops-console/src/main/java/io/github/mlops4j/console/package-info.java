/**
 * A read-only web console over the public APIs of a workspace: {@link
 * io.github.mlops4j.console.ConsoleHandler} (pages and their JSON, for the JDK's HTTP server or any
 * host through {@link io.github.mlops4j.console.ConsoleHandler#respond}), {@link
 * io.github.mlops4j.console.ConsoleServer} (a standalone server on a workspace) and {@link
 * io.github.mlops4j.console.DriftRecorder} (keeps a monitor's drift reports in the workspace, where
 * the console's drift page reads them).
 */
@NullMarked
package io.github.mlops4j.console;

import org.jspecify.annotations.NullMarked;
