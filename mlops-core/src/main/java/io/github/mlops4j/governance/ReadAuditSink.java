package io.github.mlops4j.governance;

import io.github.mlops4j.store.Store;
import java.util.List;

/**
 * Where a {@link ReadAudit} writes its entries: a table of the workspace store ({@link
 * #jdbc(Store)}), the log ({@link #logging()}), or a host's own (a SIEM, a message queue).
 *
 * <p>{@link #write} is called on the read audit's one thread, never on a reader's, with batches of
 * entries in the order they were recorded. A sink that throws loses that batch (counted in {@link
 * ReadAudit#failedEntries()} and logged); the next batch is tried again. A sink that blocks holds
 * up only the audit thread: readers go on, and entries beyond the queue's capacity are dropped and
 * counted.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReadAuditSink {
  /** Stores or forwards {@code entries} (never empty). */
  void write(List<ReadAuditEntry> entries);

  /**
   * A sink that logs one line per entry through SLF4J, at INFO, under the logger {@code
   * io.github.mlops4j.governance.ReadAudit}: {@code read-audit <time> actor=<actor> action=<action>
   * outcome=<outcome> entities=<n> subjects=[...]}. Actor and subjects are escaped already, so a
   * line cannot be forged through them.
   */
  static ReadAuditSink logging() {
    return LoggingReadAuditSink.INSTANCE;
  }

  /**
   * A sink that appends to the table {@code read_audit} of {@code store} (SQLite or PostgreSQL),
   * one transaction per batch; it migrates the governance schema when created. Read the table back
   * through {@link JdbcReadAuditSink#entries}.
   *
   * @throws io.github.mlops4j.store.StoreException if the schema cannot be migrated
   */
  static JdbcReadAuditSink jdbc(Store store) {
    return new JdbcReadAuditSink(store);
  }
}
