package io.github.mlops4j.serving;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** A request whose reading signals {@code inside} and then waits for {@code release}. */
final class BlockingRequest extends AbstractMap<String, Object> {
  private final Map<String, Object> values;
  private final CountDownLatch inside;
  private final CountDownLatch release;

  BlockingRequest(Map<String, Object> values, CountDownLatch inside, CountDownLatch release) {
    this.values = values;
    this.inside = inside;
    this.release = release;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    inside.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return values.entrySet();
  }
}
