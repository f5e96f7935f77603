package io.github.mlops4j.tracking;

import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.tracking.Filter.Comparison;
import io.github.mlops4j.tracking.Filter.Field;
import io.github.mlops4j.tracking.Filter.Kind;
import io.github.mlops4j.tracking.Filter.NumberValue;
import io.github.mlops4j.tracking.Filter.Op;
import io.github.mlops4j.tracking.Filter.StringList;
import io.github.mlops4j.tracking.Filter.StringValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a {@link Filter} and {@link OrderBy} keys to SQL over the tracking schema, for a query
 * on {@code runs r}.
 *
 * <p>Meaning, as in MLflow:
 *
 * <ul>
 *   <li>A comparison on a metric, param, tag or dataset matches only runs that have that key (or a
 *       dataset input): {@code params.lr != '0.05'} excludes runs without {@code lr}, whereas
 *       {@code NOT params.lr = '0.05'} includes them. Each one is {@code r.run_id IN (SELECT run_id
 *       FROM params WHERE key = ? AND value ...)} so that the {@code (key, value)} indexes drive.
 *   <li>A NaN metric is stored as SQL NULL and matches no numeric comparison.
 *   <li>A comparison on a nullable attribute ({@code end_time}, {@code parent_run_id}) does not
 *       match runs where it is null. Every compiled comparison is two-valued (never SQL UNKNOWN),
 *       so {@code NOT} is plain logical negation.
 *   <li>{@code tags."mlflow.runName"} is the run name ({@link Run#NAME_TAG}), compared on {@code
 *       r.run_name}; {@code attributes.artifact_uri} is {@link RunInfo#artifactUri()}, computed
 *       from the ids ({@link #ARTIFACT_URI}). Neither needs a subquery.
 *   <li>{@code LIKE} is case-sensitive and {@code ILIKE} is not. On SQLite the caller must set
 *       {@code PRAGMA case_sensitive_like = ON}; ILIKE becomes {@code LOWER(x) LIKE LOWER(?)}
 *       (ASCII case folding only). Patterns have no escape character on either database.
 * </ul>
 *
 * <p>Shape: databases parse {@code a OR b OR c ...} into a chain as deep as it is long, and SQLite
 * refuses expression trees deeper than 1,000 ({@code SQLITE_MAX_EXPR_DEPTH}). So the children of an
 * AND or OR are combined pairwise, lowest first (as in Huffman coding): the SQL of a group of
 * {@code n} comparisons is {@code log2(n)} deep, and a filter is at most about {@code log2(number
 * of comparisons)} plus twice its nesting deeper than one comparison. Within the parser's limits
 * ({@link RunQuery#MAX_FILTER_DEPTH}, {@link RunQuery#MAX_FILTER_COMPARISONS}) that is under 250; a
 * tree built otherwise is refused beyond {@link #MAX_DEPTH}.
 *
 * <p>PostgreSQL turns each {@code IN (SELECT ...)} that is ANDed at the top of the WHERE clause
 * into a semi-join, and its planning time grows much faster than linearly with their number (64
 * took seconds, 128 minutes). So on PostgreSQL only the first {@link #SEMI_JOINS} such comparisons
 * stay semi-joins, which lets the indexes drive selective filters; the others are written {@code
 * (... IN (SELECT ...)) IS TRUE}, the same two-valued test, which PostgreSQL plans as a hashed
 * subplan in time linear in their number.
 */
final class SearchSql {
  private SearchSql() {}

  /** SQL text with {@code ?} placeholders and their values (String, Double or Long) in order. */
  record Fragment(String sql, List<Object> params) {
    Fragment {
      Objects.requireNonNull(sql, "sql");
      params = List.copyOf(params);
    }
  }

  /**
   * {@link RunInfo#artifactUri()} in SQL: derived from the ids, so it needs no column and no index;
   * a comparison on it reads each candidate run's row.
   */
  static final String ARTIFACT_URI =
      "('"
          + RunInfo.ARTIFACT_URI_ROOT
          + "' || CAST(r.experiment_id AS TEXT) || '/' || r.run_id || '/artifacts')";

  /** Attribute columns of {@code runs} that may be NULL. */
  private static final Set<String> NULLABLE_ATTRIBUTES = Set.of("end_time", "parent_run_id");

  /**
   * Deepest compiled expression {@link #where} returns, counted as SQLite does, leaving the rest of
   * SQLite's 1,000 to the query around it.
   */
  static final int MAX_DEPTH = 500;

  /**
   * Depth of the deepest compiled comparison, {@code r.run_id IN (SELECT run_id FROM t WHERE key =
   * ? AND LOWER(value) LIKE LOWER(?))}.
   */
  static final int COMPARISON_DEPTH = 5;

  /** Top-level ANDed subquery comparisons left to PostgreSQL to plan as semi-joins. */
  static final int SEMI_JOINS = 4;

  /**
   * Characters of a param or tag value that PostgreSQL's indexes hold: {@code left(value, 200)} in
   * {@code params_key_value} and {@code tags_key_value} (tracking schema 4). A whole value can
   * exceed the B-tree entry limit; this prefix (at most 800 bytes of UTF-8) cannot, beside a key
   * within the default {@link TrackingLimits}.
   */
  static final int VALUE_PREFIX = 200;

  /**
   * A boolean SQL expression over {@code runs r} selecting the runs that match; {@code 1=1} for
   * {@link Filter#MATCH_ALL}.
   *
   * @throws InvalidFilterException if the filter compiles deeper than {@link #MAX_DEPTH} (never for
   *     a filter the parser accepted)
   */
  static Fragment where(Filter filter, Dialect dialect) {
    Builder b = new Builder(dialect);
    Expr e = b.compile(Objects.requireNonNull(filter, "filter"));
    if (e.depth() > MAX_DEPTH) {
      throw new InvalidFilterException(
          filter.toString(),
          0,
          "The filter compiles to SQL "
              + e.depth()
              + " deep; at most "
              + MAX_DEPTH
              + " is allowed");
    }
    b.emit(e);
    return b.build();
  }

  /**
   * The filter of a search as a FROM list and a WHERE expression: {@code from} follows {@code
   * SELECT r.run_id FROM} and names {@code runs r} and the joined tables, {@code where} is as
   * {@link #where} makes it.
   */
  record Search(Fragment from, Fragment where) {}

  /**
   * Like {@link #where}, but the first {@link #SEMI_JOINS} comparisons on a metric, param or tag
   * that are ANDed at the top of the filter (any operator but {@code IS NULL}) become inner joins
   * {@code JOIN params j0 ON j0.run_id = r.run_id AND j0.key = ? AND j0.value ...}. Each of those
   * tables holds at most one row per (run, key), so a join keeps each run at most once and selects
   * exactly the runs the {@code IN (SELECT ...)} form selects; but the planner may start from the
   * most selective index (SQLite does not reorder a list of {@code IN} subqueries, it builds each
   * list in full), and reach the run through the covering index {@code runs_search}.
   *
   * <p>On SQLite, when one of the joins is an equality ({@code =} or {@code IN}), the joins are
   * written {@code params j1 CROSS JOIN latest_metrics j0 CROSS JOIN runs r ON ...}, the first
   * equality first, the other joins in filter order, then {@code runs}: SQLite keeps the order of a
   * CROSS JOIN. Without statistics ({@code sqlite_stat1}, which nothing here creates) its planner
   * rates a range on an index ({@code key = ? AND value > ?}) as more selective than an equality on
   * both columns, and so would start from a metric range that typically matches many more runs than
   * a param equality; the same query then took 2-4x as long. The conditions of every join are on
   * the last ON clause, which for inner joins means the same as WHERE. {@code INDEXED BY
   * runs_search} (tracking schema 3) reads the candidate runs from that covering index: without
   * statistics SQLite would pick the primary key's unique index and read each run's row.
   */
  static Search search(Filter filter, Dialect dialect) {
    Builder b = new Builder(dialect);
    b.joins = new ArrayList<>();
    Expr e = b.compile(Objects.requireNonNull(filter, "filter"));
    if (e.depth() > MAX_DEPTH) {
      throw new InvalidFilterException(
          filter.toString(),
          0,
          "The filter compiles to SQL "
              + e.depth()
              + " deep; at most "
              + MAX_DEPTH
              + " is allowed");
    }
    b.emit(e);
    return new Search(from(b.joins, dialect), b.build());
  }

  /** A comparison written as a join: {@code table alias}, and its ON condition. */
  private record Join(String table, String alias, Fragment on, boolean equality) {}

  /** The FROM list of {@link #search}: {@code runs r} and the joins, in the order SQLite runs. */
  private static Fragment from(List<Join> joins, Dialect dialect) {
    int driver = -1;
    for (int i = 0; i < joins.size() && dialect == Dialect.SQLITE; i++) {
      if (joins.get(i).equality()) {
        driver = i;
        break;
      }
    }
    StringBuilder sql = new StringBuilder();
    List<Object> params = new ArrayList<>();
    if (driver < 0) {
      sql.append("runs r");
      for (Join j : joins) {
        sql.append(" JOIN ").append(j.table()).append(' ').append(j.alias()).append(" ON ");
        sql.append(j.on().sql());
        params.addAll(j.on().params());
      }
      return new Fragment(sql.toString(), params);
    }
    List<Join> ordered = new ArrayList<>(joins);
    ordered.add(0, ordered.remove(driver));
    for (int i = 0; i < ordered.size(); i++) {
      Join j = ordered.get(i);
      sql.append(i == 0 ? "" : " CROSS JOIN ").append(j.table()).append(' ').append(j.alias());
    }
    sql.append(" CROSS JOIN runs r INDEXED BY runs_search ON ");
    for (int i = 0; i < ordered.size(); i++) {
      Fragment on = ordered.get(i).on();
      sql.append(i == 0 ? "" : " AND ").append(on.sql());
      params.addAll(on.params());
    }
    return new Fragment(sql.toString(), params);
  }

  /** Depth of the SQL {@link #where} makes of {@code filter}, as SQLite counts it (at most). */
  static int depth(Filter filter, Dialect dialect) {
    return new Builder(dialect).compile(Objects.requireNonNull(filter, "filter")).depth();
  }

  /** A compiled boolean expression, kept as a tree until its shape is final. */
  private sealed interface Expr permits Leaf, Junction, Negation {
    int depth();
  }

  /** A comparison (or {@code 1=1}) as SQL text and its parameters. */
  private record Leaf(String sql, List<Object> params) implements Expr {
    @Override
    public int depth() {
      return COMPARISON_DEPTH;
    }
  }

  /** {@code (left AND right)} or {@code (left OR right)}. */
  private record Junction(String operator, Expr left, Expr right, int depth) implements Expr {}

  /** {@code NOT (child)}. */
  private record Negation(Expr child, int depth) implements Expr {}

  /** An expression and the index of its first child in the group, to keep the order stable. */
  private record Ranked(Expr expr, int order) {}

  /**
   * The text after {@code ORDER BY}: each key with runs lacking the value last in either direction
   * (for metrics, NaN before missing, as in MLflow), then MLflow's default order {@code
   * r.start_time DESC, r.run_id ASC} to break ties so that paging is stable.
   */
  static Fragment orderBy(List<OrderBy> order, Dialect dialect) {
    Builder b = new Builder(Objects.requireNonNull(dialect, "dialect"));
    for (OrderBy key : order) {
      b.orderKey(key);
      b.sql.append(", ");
    }
    b.sql.append("r.start_time DESC, r.run_id ASC");
    return b.build();
  }

  /** The tag that is the run name ({@link Run#NAME_TAG}), read from {@code runs.run_name}. */
  static boolean isNameTag(Field field) {
    return field.kind() == Kind.TAG && field.key().equals(Run.NAME_TAG);
  }

  private static final class Builder {
    private final Dialect dialect;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    Builder(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    Fragment build() {
      return new Fragment(sql.toString(), params);
    }

    private Builder param(Object value) {
      sql.append('?');
      params.add(value);
      return this;
    }

    // ------------------------------------------------------------ WHERE

    /** Subquery comparisons so far in top-level AND position (see {@link #SEMI_JOINS}). */
    private int conjunctSubqueries;

    /** Whether the comparison being written may be planned as a semi-join. */
    private boolean semiJoin = true;

    /** Where top-level keyed comparisons go as joins; null: none become joins. */
    private @Nullable List<Join> joins;

    /** Joins written so far (their aliases are j0, j1, ...). */
    private int joinCount;

    Expr compile(Filter filter) {
      return compile(filter, true);
    }

    /** {@code conjunct}: the filter is ANDed at the top of the WHERE clause. */
    private Expr compile(Filter filter, boolean conjunct) {
      if (filter instanceof Filter.MatchAll) {
        return new Leaf("1=1", List.of());
      } else if (filter instanceof Filter.And and) {
        return junction(and.children(), " AND ", conjunct);
      } else if (filter instanceof Filter.Or or) {
        return junction(or.children(), " OR ", false);
      } else if (filter instanceof Filter.Not not) {
        Expr child = compile(not.child(), false);
        return new Negation(child, child.depth() + 1);
      } else if (filter instanceof Comparison c) {
        List<Join> into = joins;
        if (into != null && conjunct && isJoinable(c) && conjunctSubqueries < SEMI_JOINS) {
          conjunctSubqueries++;
          into.add(join(c, "j" + joinCount++));
          return new Leaf("1=1", List.of());
        }
        Builder leaf = new Builder(dialect);
        leaf.semiJoin =
            dialect != Dialect.POSTGRESQL
                || !conjunct
                || !isSubquery(c)
                || ++conjunctSubqueries <= SEMI_JOINS;
        leaf.comparison(c);
        return new Leaf(leaf.sql.toString(), leaf.params);
      } else {
        throw new AssertionError("Unknown filter node " + filter.getClass());
      }
    }

    /**
     * Combines the children two at a time, always the two shallowest (ties: the earliest), so the
     * result is as shallow as a binary tree of them can be: {@code ceil(log2(sum of 2^depth))}.
     * This may regroup and reorder the children, which changes nothing: every compiled comparison
     * is two-valued, so AND and OR are associative and commutative here.
     */
    @SuppressWarnings("ReferenceEquality") // picks the other of two polled entries
    private Expr junction(List<Filter> children, String operator, boolean conjunct) {
      PriorityQueue<Ranked> queue =
          new PriorityQueue<>(
              Comparator.comparingInt((Ranked r) -> r.expr().depth())
                  .thenComparingInt(Ranked::order));
      for (int i = 0; i < children.size(); i++) {
        queue.add(new Ranked(compile(children.get(i), conjunct), i));
      }
      while (queue.size() > 1) {
        Ranked a = queue.poll();
        Ranked b = queue.poll();
        Ranked first = a.order() < b.order() ? a : b;
        Ranked second = first == a ? b : a;
        int depth = Math.max(a.expr().depth(), b.expr().depth()) + 1;
        queue.add(
            new Ranked(new Junction(operator, first.expr(), second.expr(), depth), first.order()));
      }
      return queue.remove().expr();
    }

    /** Writes a compiled expression; recursion is as deep as the expression, at most MAX_DEPTH. */
    void emit(Expr e) {
      if (e instanceof Leaf leaf) {
        sql.append(leaf.sql());
        params.addAll(leaf.params());
      } else if (e instanceof Junction j) {
        sql.append('(');
        emit(j.left());
        sql.append(j.operator());
        emit(j.right());
        sql.append(')');
      } else if (e instanceof Negation n) {
        sql.append("NOT (");
        emit(n.child());
        sql.append(')');
      } else {
        throw new AssertionError("Unknown expression " + e.getClass());
      }
    }

    private void comparison(Comparison c) {
      Field field = c.field();
      switch (field.kind()) {
        case METRIC:
          keyed("latest_metrics", c);
          break;
        case PARAM:
          keyed("params", c);
          break;
        case TAG:
          if (isNameTag(field)) {
            nameTag(c);
          } else {
            keyed("tags", c);
          }
          break;
        case DATASET:
          openSubquery("run_inputs");
          condition(field.key(), c);
          closeSubquery();
          break;
        case ATTRIBUTE:
          attribute(c);
          break;
        default:
          throw new AssertionError(field.kind());
      }
    }

    /** Metrics, params and tags: one row per (run, key) in {@code table}. */
    private void keyed(String table, Comparison c) {
      Op op = c.op();
      if (op == Op.IS_NULL) {
        // NOT IN is never planned as a semi-join
        sql.append("r.run_id NOT IN (SELECT run_id FROM ").append(table).append(" WHERE key = ");
        param(c.field().key()).sql.append(')');
        return;
      }
      if (op == Op.IS_NOT_NULL) {
        openSubquery(table);
        sql.append("key = ");
        param(c.field().key());
        closeSubquery();
        return;
      }
      openSubquery(table);
      sql.append("key = ");
      param(c.field().key()).sql.append(" AND ");
      valueCondition("value", c);
      closeSubquery();
    }

    /**
     * The condition on the {@code value} column of {@code params} or {@code tags}, or of {@code
     * latest_metrics}. On PostgreSQL an equality ({@code =}, {@code IN}) on a text value is written
     * on {@code left(value, VALUE_PREFIX)} so that the {@code (key, left(value, 200))} indexes of
     * tracking schema 4 can find the matching rows: for a literal shorter than the prefix that
     * alone is exact (a longer value has a prefix of exactly {@value #VALUE_PREFIX} characters, so
     * it never equals a shorter literal); for a longer literal the exact {@code value = ?} follows.
     */
    private void valueCondition(String column, Comparison c) {
      Op op = c.op();
      List<String> values;
      if (op == Op.EQ && c.value() instanceof StringValue s) {
        values = List.of(s.value());
      } else if (op == Op.IN && c.value() instanceof StringList list) {
        values = list.values();
      } else {
        values = List.of();
      }
      if (dialect != Dialect.POSTGRESQL || c.field().kind() == Kind.METRIC || values.isEmpty()) {
        condition(column, c);
        return;
      }
      boolean exact = true;
      for (String v : values) {
        // String.length() counts UTF-16 units, never fewer than PostgreSQL's characters
        exact &= v.length() < VALUE_PREFIX;
      }
      String prefix = "left(" + column + ", " + VALUE_PREFIX + ")";
      String bound = exact ? "?" : "left(?, " + VALUE_PREFIX + ")";
      if (op == Op.EQ) {
        sql.append(prefix).append(" = ").append(bound);
        params.add(values.get(0));
      } else {
        sql.append(prefix).append(" IN (");
        for (int i = 0; i < values.size(); i++) {
          sql.append(i == 0 ? "" : ", ").append(bound);
          params.add(values.get(i));
        }
        sql.append(')');
      }
      if (!exact) {
        sql.append(" AND ");
        condition(column, c);
      }
    }

    /**
     * {@code tags."mlflow.runName"}: the run name column, which every run has, so IS NULL matches
     * nothing and IS NOT NULL everything.
     */
    private void nameTag(Comparison c) {
      switch (c.op()) {
        case IS_NULL -> sql.append("1=0");
        case IS_NOT_NULL -> sql.append("1=1");
        default -> condition("r.run_name", c);
      }
    }

    /** A comparison on a metric, param or tag (not the run name) that a join can express. */
    private static boolean isJoinable(Comparison c) {
      Kind kind = c.field().kind();
      return (kind == Kind.METRIC || kind == Kind.PARAM || kind == Kind.TAG)
          && !isNameTag(c.field())
          && c.op() != Op.IS_NULL;
    }

    /**
     * {@code table alias}, joined {@code ON alias.run_id = r.run_id AND alias.key = ? [AND
     * condition]}.
     */
    private Join join(Comparison c, String alias) {
      String table =
          switch (c.field().kind()) {
            case METRIC -> "latest_metrics";
            case PARAM -> "params";
            default -> "tags";
          };
      Builder on = new Builder(dialect);
      on.sql.append(alias).append(".run_id = r.run_id AND ").append(alias).append(".key = ");
      on.param(c.field().key());
      if (c.op() != Op.IS_NOT_NULL) {
        on.sql.append(" AND ");
        on.valueCondition(alias + ".value", c);
      }
      return new Join(table, alias, on.build(), c.op() == Op.EQ || c.op() == Op.IN);
    }

    /** Whether the comparison compiles to {@code r.run_id IN (SELECT ...)}. */
    private static boolean isSubquery(Comparison c) {
      Kind kind = c.field().kind();
      return kind == Kind.DATASET
          || (kind != Kind.ATTRIBUTE && !isNameTag(c.field()) && c.op() != Op.IS_NULL);
    }

    /** {@code r.run_id IN (SELECT run_id FROM table WHERE }, wrapped unless a semi-join. */
    private void openSubquery(String table) {
      sql.append(semiJoin ? "" : "(")
          .append("r.run_id IN (SELECT run_id FROM ")
          .append(table)
          .append(" WHERE ");
    }

    private void closeSubquery() {
      sql.append(semiJoin ? ")" : ")) IS TRUE");
    }

    private void attribute(Comparison c) {
      String name = c.field().key();
      String column =
          switch (name) {
            // experiment_id is a BIGINT column but a string attribute (MLflow ids are strings).
            case "experiment_id" -> "CAST(r.experiment_id AS TEXT)";
            case "artifact_uri" -> ARTIFACT_URI;
            default -> "r." + name;
          };
      if (NULLABLE_ATTRIBUTES.contains(name)) {
        sql.append("(r.").append(name).append(" IS NOT NULL AND ");
        condition(column, c);
        sql.append(')');
      } else {
        condition(column, c);
      }
    }

    /** {@code column op value} for every operator but IS [NOT] NULL. */
    private void condition(String column, Comparison c) {
      Op op = c.op();
      switch (op) {
        case EQ:
        case NE:
        case GT:
        case GE:
        case LT:
        case LE:
          sql.append(column).append(' ').append(op == Op.NE ? "<>" : op.symbol()).append(' ');
          param(scalar(c));
          break;
        case LIKE:
          sql.append(column).append(" LIKE ");
          param(scalar(c)).noEscape();
          break;
        case ILIKE:
          if (dialect == Dialect.POSTGRESQL) {
            sql.append(column).append(" ILIKE ");
            param(scalar(c)).noEscape();
          } else {
            sql.append("LOWER(").append(column).append(") LIKE LOWER(");
            param(scalar(c)).sql.append(')');
          }
          break;
        case IN:
        case NOT_IN:
          sql.append(column).append(op == Op.IN ? " IN (" : " NOT IN (");
          List<String> values = ((StringList) c.value()).values();
          for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "" : ", ");
            param(values.get(i));
          }
          sql.append(')');
          break;
        default:
          throw new AssertionError("No condition for " + op);
      }
    }

    /** PostgreSQL's LIKE treats backslash as an escape by default; SQLite and MLflow do not. */
    private void noEscape() {
      if (dialect == Dialect.POSTGRESQL) {
        sql.append(" ESCAPE ''");
      }
    }

    /** The bind value: a string, a Double for metrics, a Long for integral timestamps. */
    private static Object scalar(Comparison c) {
      if (c.value() instanceof StringValue s) {
        return s.value();
      }
      NumberValue n = (NumberValue) c.value();
      if (c.field().kind() == Kind.ATTRIBUTE) {
        return n.exactLong().<Object>map(l -> l).orElse(n.value());
      }
      return n.value();
    }

    // ------------------------------------------------------------ ORDER BY

    void orderKey(OrderBy key) {
      Field field = key.field();
      String direction = key.ascending() ? " ASC" : " DESC";
      switch (field.kind()) {
        case METRIC:
          // Numbers, then NaN (a row with a NULL value), then missing (no row): MLflow's order.
          sql.append(
              "COALESCE((SELECT CASE WHEN m.value IS NULL THEN 1 ELSE 0 END"
                  + " FROM latest_metrics m WHERE m.run_id = r.run_id AND m.key = ");
          param(field.key()).sql.append("), 2) ASC, ");
          sql.append(
              "(SELECT m.value FROM latest_metrics m" + " WHERE m.run_id = r.run_id AND m.key = ");
          param(field.key()).sql.append(')').append(direction);
          break;
        case PARAM:
        case TAG:
          if (isNameTag(field)) {
            sql.append("r.run_name").append(collate(true)).append(direction);
            break;
          }
          String table = field.kind() == Kind.PARAM ? "params" : "tags";
          String value =
              "(SELECT t.value FROM " + table + " t WHERE t.run_id = r.run_id AND t.key = ?)";
          nullsLast(value, true, direction, field.key());
          break;
        case ATTRIBUTE:
          String name = field.key();
          boolean text = !Field.NUMERIC_ATTRIBUTES.contains(name) && !name.equals("experiment_id");
          if (NULLABLE_ATTRIBUTES.contains(name)) {
            nullsLast("r." + name, text, direction, null);
          } else if (name.equals("artifact_uri")) {
            sql.append(ARTIFACT_URI).append(collate(true)).append(direction);
          } else {
            sql.append("r.").append(name).append(collate(text)).append(direction);
          }
          break;
        default:
          throw new IllegalArgumentException("Cannot order by " + field);
      }
    }

    /**
     * {@code CASE WHEN e IS NULL THEN 1 ELSE 0 END ASC, e dir}: nulls last in either direction.
     * {@code e} holds at most one {@code ?}, bound to {@code key} at each use.
     */
    private void nullsLast(String expr, boolean text, String direction, @Nullable String key) {
      sql.append("CASE WHEN ").append(expr).append(" IS NULL THEN 1 ELSE 0 END ASC, ");
      if (key != null) {
        params.add(key);
      }
      sql.append(expr).append(collate(text)).append(direction);
      if (key != null) {
        params.add(key);
      }
    }

    /** Byte order for text on PostgreSQL, as SQLite's default and MLflow's Python sort do. */
    private String collate(boolean text) {
      return text && dialect == Dialect.POSTGRESQL ? " COLLATE \"C\"" : "";
    }
  }
}
