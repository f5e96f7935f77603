/**
 * Permanent deletion: purging runs, collecting orphaned artifact objects, and the audit trail of
 * every purge and erasure. Every operation is planned first (a dry run listing what would be
 * deleted) and then executed.
 *
 * @since 0.1.0
 */
@NullMarked
package io.github.mlops4j.governance;

import org.jspecify.annotations.NullMarked;
