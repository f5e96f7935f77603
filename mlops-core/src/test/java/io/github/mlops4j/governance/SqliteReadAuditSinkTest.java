package io.github.mlops4j.governance;

import io.github.mlops4j.store.Store;
import java.nio.file.Path;

/** The JDBC read-audit sink on an embedded SQLite workspace. */
class SqliteReadAuditSinkTest extends ReadAuditSinkContract {
  @Override
  Store openStore(Path dir) {
    return Store.open(dir.resolve("ws"));
  }
}
