package io.github.mlops4j.features;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link FeatureStore#erase(ErasurePlan, String, String)} would delete for one entity: per
 * feature view, the number of offline rows and whether the embedded online store holds a row. Made
 * by {@link FeatureStore#planErasure(Map)}; it keeps the entity's key values to execute, but never
 * shows them ({@link #toString()} lists views and counts only).
 *
 * @since 0.1.0
 */
public final class ErasurePlan {
  private final Map<String, Object> entity;
  private final List<ViewErasure> views;

  ErasurePlan(Map<String, Object> entity, List<ViewErasure> views) {
    this.entity = Map.copyOf(entity);
    this.views = List.copyOf(views);
  }

  /** The views the entity's key columns match, in name order. */
  public List<ViewErasure> views() {
    return views;
  }

  /** The total of offline rows to delete. */
  public long offlineRows() {
    return views.stream().mapToLong(ViewErasure::offlineRows).sum();
  }

  Map<String, Object> entity() {
    return entity;
  }

  /** Views and counts; never the entity's values. */
  @Override
  public String toString() {
    return "ErasurePlan" + views;
  }

  /**
   * One view of an erasure plan.
   *
   * @param view the feature view
   * @param offlineRows rows of the entity in the offline store
   * @param onlineRow whether the embedded online store holds a row of the entity ({@code null} when
   *     the online store is another one, which is asked to delete without being counted)
   * @since 0.1.0
   */
  public record ViewErasure(String view, long offlineRows, @Nullable Boolean onlineRow) {
    /** Checks the name. */
    public ViewErasure {
      Objects.requireNonNull(view, "view");
    }
  }
}
