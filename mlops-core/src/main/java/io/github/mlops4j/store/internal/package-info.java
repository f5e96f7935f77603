/**
 * Internal: not API, may change without notice. The JDBC plumbing the mlops4j modules share (SQL
 * helpers, units of work, dialects, where a service's store comes from, access to a {@link
 * io.github.mlops4j.store.Store}'s connections); do not use it from applications.
 */
@NullMarked
package io.github.mlops4j.store.internal;

import org.jspecify.annotations.NullMarked;
