package io.github.mlops4j.features;

import java.util.concurrent.atomic.LongAdder;

/** Online feature values served per status, for one view. */
final class LookupCounters {
  final LongAdder present = new LongAdder();
  final LongAdder nullValue = new LongAdder();
  final LongAdder notFound = new LongAdder();
  final LongAdder expired = new LongAdder();
}
