/**
 * Internal: not API, may change without notice. Helpers shared by the mlops4j modules (names
 * closest to a misspelled one, a rate-limited failure logger); do not use them from applications.
 */
@NullMarked
package io.github.mlops4j.internal;

import org.jspecify.annotations.NullMarked;
