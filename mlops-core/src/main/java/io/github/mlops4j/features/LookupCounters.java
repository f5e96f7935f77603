package io.github.mlops4j.features;

import java.util.concurrent.atomic.LongAdder;

/** Online feature values served per status, and failed background cache reloads, for one view. */
final class LookupCounters {
  final LongAdder present = new LongAdder();
  final LongAdder nullValue = new LongAdder();
  final LongAdder notFound = new LongAdder();
  final LongAdder expired = new LongAdder();

  /** Cache entries whose background reload failed (the old value was kept). */
  final LongAdder refreshFailures = new LongAdder();
}
