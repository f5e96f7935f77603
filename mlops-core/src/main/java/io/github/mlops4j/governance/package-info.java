/**
 * Permanent deletion: purging runs, collecting orphaned artifact objects, and the audit trail of
 * every purge and erasure. Every operation is planned first (a dry run listing what would be
 * deleted) and then executed.
 *
 * <p>Also the access policy of tracking and feature data ({@link
 * io.github.mlops4j.governance.DataAccessPolicy}) and the read audit that records who read what
 * ({@link io.github.mlops4j.governance.ReadAudit}, {@link
 * io.github.mlops4j.governance.ReadAuditSink}).
 *
 * @since 0.1.0
 */
@NullMarked
package io.github.mlops4j.governance;

import org.jspecify.annotations.NullMarked;
