package io.github.mlops4j.tracking;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run search: experiments, a filter in the search language, an order, and paging. See {@code
 * docs/tracking.md} for the filter language (MLflow's grammar plus {@code OR}, {@code NOT} and
 * parentheses).
 *
 * @since 0.1.0
 */
public final class RunQuery {
  /** MLflow's default page size. */
  public static final int DEFAULT_MAX_RESULTS = 1000;

  /** MLflow's largest page size. */
  public static final int MAX_RESULTS_LIMIT = 50_000;

  /**
   * Longest filter or order-by key, in characters; a longer one is refused with an {@link
   * InvalidFilterException} before it is parsed.
   */
  public static final int MAX_FILTER_LENGTH = 1_000_000;

  /**
   * Deepest nesting of parentheses and {@code NOT} in a filter: {@code NOT (a OR NOT b)} nests 3
   * deep at {@code b}. Siblings do not add up; only what is open at once counts.
   */
  public static final int MAX_FILTER_DEPTH = 100;

  /** Most comparisons ({@code field op value}) in one filter. */
  public static final int MAX_FILTER_COMPARISONS = 2_000;

  /** Most values in all the {@code IN} and {@code NOT IN} lists of one filter together. */
  public static final int MAX_FILTER_LIST_VALUES = 10_000;

  /** Most order-by keys of one query (each is a subquery per run). */
  public static final int MAX_ORDER_BY_KEYS = 100;

  private final List<String> experiments;
  private final String filter;
  private final List<String> orderBy;
  private final int maxResults;
  private final @Nullable String pageToken;
  private final ViewType viewType;

  private RunQuery(Builder b) {
    this.experiments = List.copyOf(b.experiments);
    this.filter = b.filter;
    this.orderBy = List.copyOf(b.orderBy);
    this.maxResults = b.maxResults;
    this.pageToken = b.pageToken;
    this.viewType = b.viewType;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> experiments() {
    return experiments;
  }

  public String filter() {
    return filter;
  }

  public List<String> orderBy() {
    return orderBy;
  }

  public int maxResults() {
    return maxResults;
  }

  public @Nullable String pageToken() {
    return pageToken;
  }

  public ViewType viewType() {
    return viewType;
  }

  /** Identifies the query apart from its page, so a page token cannot be used with another. */
  String fingerprint() {
    return experiments + "|" + filter + "|" + orderBy + "|" + viewType;
  }

  /** Builds a {@link RunQuery}; every setter checks its argument. */
  public static final class Builder {
    private final List<String> experiments = new ArrayList<>();
    private String filter = "";
    private final List<String> orderBy = new ArrayList<>();
    private int maxResults = DEFAULT_MAX_RESULTS;
    private @Nullable String pageToken;
    private ViewType viewType = ViewType.ACTIVE_ONLY;

    private Builder() {}

    /** Experiments to search, by name; none means every experiment. */
    public Builder experiments(String... names) {
      for (String name : names) {
        experiments.add(
            StoredText.check(Objects.requireNonNull(name, "experiment name"), "experiment name"));
      }
      return this;
    }

    /**
     * A filter such as {@code metrics.auc > 0.8 and params.lr = '0.05'}; blank matches all. It is
     * parsed when the query runs, within {@link #MAX_FILTER_LENGTH} characters, {@link
     * #MAX_FILTER_DEPTH} levels of nesting, {@link #MAX_FILTER_COMPARISONS} comparisons and {@link
     * #MAX_FILTER_LIST_VALUES} list values; beyond them the search throws an {@link
     * InvalidFilterException} at the first character over the limit.
     */
    public Builder filter(String filter) {
      this.filter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Order keys such as {@code metrics.auc DESC} or {@code attributes.start_time}, at most {@link
     * #MAX_ORDER_BY_KEYS} in all.
     */
    public Builder orderBy(String... keys) {
      if (orderBy.size() + keys.length > MAX_ORDER_BY_KEYS) {
        throw new IllegalArgumentException(
            "At most "
                + MAX_ORDER_BY_KEYS
                + " order-by keys are allowed, got "
                + (orderBy.size() + keys.length));
      }
      for (String key : keys) {
        orderBy.add(Objects.requireNonNull(key, "orderBy key"));
      }
      return this;
    }

    public Builder maxResults(int maxResults) {
      Checks.inRange(maxResults, 1, MAX_RESULTS_LIMIT, "maxResults");
      this.maxResults = maxResults;
      return this;
    }

    /** The token returned with the previous page. */
    public Builder pageToken(@Nullable String pageToken) {
      this.pageToken = pageToken;
      return this;
    }

    public Builder viewType(ViewType viewType) {
      this.viewType = Objects.requireNonNull(viewType, "viewType");
      return this;
    }

    public RunQuery build() {
      return new RunQuery(this);
    }
  }
}
