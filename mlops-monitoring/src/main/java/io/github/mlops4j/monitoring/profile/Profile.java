package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.monitoring.drift.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, mergeable summary of a data set or of a window of a stream, one {@link
 * ProfileColumn} per schema column.
 *
 * <ul>
 *   <li>Every column: row count, missing count ({@code null}, {@code NaN}, ±infinity).
 *   <li>Numeric columns: exact min, max, mean and variance (Welford per value, Chan et al. to
 *       merge), and a KLL quantile sketch (DataSketches 6.2.0 {@code KllDoublesSketch}, k = {@link
 *       ProfileSchema#kllK()}, default {@value ProfileSchema#DEFAULT_KLL_K}).
 *   <li>Categorical and binary columns: exact counts per category up to {@link
 *       ProfileSchema#exactCategoryLimit()} distinct values, then a frequent-items sketch.
 * </ul>
 *
 * <p><b>Merge.</b> {@link #merge(Profile)} combines the profiles of disjoint parts (replicas,
 * threads, windows) into the profile of the whole: counts, min and max exactly, mean and variance
 * up to floating-point rounding, sketches within their error bounds.
 *
 * <p><b>Serialization.</b> {@link #toBytes()} writes UTF-8 JSON with {@code "schemaVersion": }
 * {@value #SCHEMA_VERSION}; sketches are embedded as base64 of their DataSketches binary form.
 * {@link #fromBytes(byte[])} reads every version up to its own and refuses newer ones with a {@link
 * ProfileFormatException}. The format is described in {@code docs/monitoring-streaming.md}.
 *
 * <p><b>Untrusted bytes.</b> The readers accept bytes from any source: whatever is not a profile
 * this library could have written (malformed JSON, duplicate keys, unknown fields, inconsistent
 * counts or moments, tampered sketch images) is a {@link ProfileFormatException}, never another
 * exception, and reading allocates memory in proportion to the input, not to sizes the input
 * declares: sketch images are checked against their own length before DataSketches reads them. The
 * sketch parameters of an accepted profile ({@link ProfileSchema#kllK()} up to 65535) still govern
 * what merging with it costs.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @since 0.1.0
 */
public final class Profile {
  /** The serialization format version this library writes and the newest it reads. */
  public static final int SCHEMA_VERSION = 1;

  private final ProfileSchema schema;
  private final long rows;
  private final NumericSketch[] numeric;
  private final CategorySketch[] categorical;

  /** Takes ownership of the arrays and sketches: the caller must not touch them again. */
  Profile(ProfileSchema schema, long rows, NumericSketch[] numeric, CategorySketch[] categorical) {
    this.schema = schema;
    this.rows = rows;
    this.numeric = numeric;
    this.categorical = categorical;
  }

  /** The profile of no rows. */
  public static Profile empty(ProfileSchema schema) {
    return ProfileAccumulator.create(schema).take();
  }

  /**
   * Profiles rows given by column name.
   *
   * @throws IllegalArgumentException for an unknown column or a value of the wrong type (see {@link
   *     ProfileRow#of(ProfileSchema, Map)})
   */
  public static Profile of(ProfileSchema schema, Iterable<? extends Map<String, ?>> rows) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    for (Map<String, ?> row : rows) {
      acc.update(row);
    }
    return acc.take();
  }

  public ProfileSchema schema() {
    return schema;
  }

  /** Number of rows summarized. */
  public long rows() {
    return rows;
  }

  /**
   * One column's summary.
   *
   * @throws IllegalArgumentException naming the column if the schema has no such column
   */
  public ProfileColumn column(String name) {
    return column(schema.indexOf(name));
  }

  /** All column summaries, in schema order. */
  public List<ProfileColumn> columns() {
    List<ProfileColumn> out = new ArrayList<>(schema.columns().size());
    for (int i = 0; i < schema.columns().size(); i++) {
      out.add(column(i));
    }
    return out;
  }

  ProfileColumn column(int i) {
    String name = schema.columns().get(i);
    ColumnType type = schema.typeAt(i);
    int slot = schema.slot(i);
    return type == ColumnType.NUMERIC
        ? new ProfileColumn(name, type, numeric[slot], null)
        : new ProfileColumn(name, type, null, categorical[slot]);
  }

  NumericSketch numeric(int slot) {
    return numeric[slot];
  }

  CategorySketch categorical(int slot) {
    return categorical[slot];
  }

  /**
   * The profile of this profile's rows together with another's. Neither is changed.
   *
   * @throws IllegalArgumentException if the schemas differ or the rows together exceed {@code
   *     Long.MAX_VALUE}
   */
  public Profile merge(Profile other) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    acc.merge(this);
    acc.merge(other);
    return acc.take();
  }

  /**
   * Merges any number of profiles of the same schema (for example per-replica or per-window
   * profiles) into one.
   *
   * @throws IllegalArgumentException if the collection is empty, the schemas differ or the rows
   *     together exceed {@code Long.MAX_VALUE}
   */
  public static Profile merge(Collection<Profile> profiles) {
    Iterator<Profile> it = Objects.requireNonNull(profiles, "profiles").iterator();
    if (!it.hasNext()) {
      throw new IllegalArgumentException("Nothing to merge: the collection of profiles is empty");
    }
    Profile first = it.next();
    ProfileAccumulator acc = ProfileAccumulator.create(first.schema);
    acc.merge(first);
    while (it.hasNext()) {
      acc.merge(it.next());
    }
    return acc.take();
  }

  /** The profile as UTF-8 JSON (format version {@value #SCHEMA_VERSION}). */
  public byte[] toBytes() {
    return ProfileFormat.write(this);
  }

  /** The profile as a JSON string (format version {@value #SCHEMA_VERSION}). */
  public String toJson() {
    return new String(toBytes(), StandardCharsets.UTF_8);
  }

  /** Writes {@link #toBytes()} to a stream; the stream is left open. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(toBytes());
  }

  /**
   * Reads a profile written by {@link #toBytes()} of this or an older version.
   *
   * @throws ProfileFormatException if the bytes are not a profile, are corrupt, or were written by
   *     a newer format version
   */
  public static Profile fromBytes(byte[] bytes) {
    return ProfileFormat.read(Objects.requireNonNull(bytes, "bytes"));
  }

  /**
   * Reads a profile from JSON text.
   *
   * @throws ProfileFormatException as {@link #fromBytes(byte[])}
   */
  public static Profile fromJson(String json) {
    return fromBytes(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a profile from a stream, to its end; the stream is left open. The whole stream is read
   * into memory first: bound an untrusted stream before passing it.
   *
   * @throws ProfileFormatException as {@link #fromBytes(byte[])}
   */
  public static Profile readFrom(InputStream in) throws IOException {
    return fromBytes(in.readAllBytes());
  }

  @Override
  public String toString() {
    return "Profile{" + rows + " rows, " + schema.columns().size() + " columns}";
  }
}
