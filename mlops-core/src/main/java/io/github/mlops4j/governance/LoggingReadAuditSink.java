package io.github.mlops4j.governance;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ReadAuditSink#logging()}. */
final class LoggingReadAuditSink implements ReadAuditSink {
  static final LoggingReadAuditSink INSTANCE = new LoggingReadAuditSink();

  private static final Logger LOG = LoggerFactory.getLogger(ReadAudit.class);

  private LoggingReadAuditSink() {}

  @Override
  public void write(List<ReadAuditEntry> entries) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    for (ReadAuditEntry e : entries) {
      LOG.info(
          "read-audit {} actor={} action={} outcome={} entities={} subjects={}",
          e.time(),
          e.actor(),
          e.action(),
          e.outcome(),
          e.entityCount(),
          e.subjects());
    }
  }

  @Override
  public String toString() {
    return "ReadAuditSink.logging()";
  }
}
