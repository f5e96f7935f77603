package io.github.mlops4j.features;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sees each online read of a {@link FeatureStore} ({@link FeatureStore#online}) from its start to
 * its end, on the caller's thread: the seam for a Micrometer {@code Observation} per lookup (a
 * timer, and a span where the host has a tracer) without a Micrometer dependency here. Set one with
 * {@link FeatureStore.Builder#lookupObserver}; a feature store without one pays a single null check
 * per read.
 *
 * <p>Both methods run on the lookup path: they must be thread-safe and cheap, and should not throw.
 * An exception from {@link #onStart} fails the read before it starts; one from {@link #onEnd} is
 * logged (once per feature store) and never replaces the read's result or its own error. {@link
 * #onEnd} is called exactly once for every {@link #onStart} that returned, also when the read fails
 * (with an {@code Error} too). A read refused by the {@link FeatureStore.Builder#accessPolicy
 * access policy}, or naming an unknown view or feature or no feature at all, fails before it is
 * observed. Entity keys and values are never handed to the observer.
 *
 * @since 0.1.0
 */
public interface FeatureLookupObserver {
  /**
   * An online read starts.
   *
   * @param views the names of the views the requested references name (stored and on-demand),
   *     sorted, without repeats; the same list instance for the same requested references while the
   *     definitions do not change, so an observer can cache what it derives from it
   * @param rows the number of request rows
   * @return a context handed back to {@link #onEnd} (null if none is needed)
   */
  @Nullable Object onStart(List<String> views, int rows);

  /**
   * The read ended: with {@code outcome}, the least available status among the values of the stored
   * features it read ({@link FeatureStatus#NOT_FOUND} if any entity had no row, else {@link
   * FeatureStatus#EXPIRED} if any row was older than its view's TTL, else {@link
   * FeatureStatus#NULL_VALUE} if any requested value was null, else {@link FeatureStatus#PRESENT}),
   * or with {@code error} (a {@link FeatureDataException} for a bad request row, a {@link
   * FeatureException} from the online store, or another failure); exactly one of the two is
   * non-null.
   */
  void onEnd(@Nullable Object context, @Nullable FeatureStatus outcome, @Nullable Throwable error);
}
