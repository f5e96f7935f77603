/**
 * Workspace storage: the SQL store (embedded SQLite or PostgreSQL), its schema migrations and
 * transactions.
 */
@NullMarked
package io.github.mlops4j.store;

import org.jspecify.annotations.NullMarked;
