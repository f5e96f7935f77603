package io.github.mlops4j.features;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A resolved list of feature references: which views to look up (with which feature slots into
 * which columns) and which on-demand features to compute. Columns 0 .. n-1 are the requested
 * references in request order; inputs of on-demand features that were not requested follow as
 * hidden columns.
 */
final class Plan {
  /** The stored features of one view that a request needs. */
  static final class ViewPlan {
    final ViewState view;
    final int[] slots;
    final int[] cols;

    /** How many of the view's features were requested (not only inputs of on-demand ones). */
    final int requested;

    /** Bit per slot of the requested features, to count null values without reading them. */
    final long[] requestedSlots;

    /**
     * {@code slotCols}: distinct {slot, column} pairs; columns below {@code width} are requested.
     */
    ViewPlan(ViewState view, List<int[]> slotCols, int requestedWidth) {
      this.view = view;
      this.slots = new int[slotCols.size()];
      this.cols = new int[slotCols.size()];
      this.requestedSlots = new long[(view.def.features.size() + 63) >>> 6];
      int n = 0;
      for (int i = 0; i < slotCols.size(); i++) {
        slots[i] = slotCols.get(i)[0];
        cols[i] = slotCols.get(i)[1];
        if (cols[i] < requestedWidth) {
          requestedSlots[slots[i] >>> 6] |= 1L << slots[i];
          n++;
        }
      }
      this.requested = n;
    }

    /** How many requested features are null in an entry's null-slot bits. */
    int requestedNulls(long @Nullable [] nullSlots) {
      if (nullSlots == null) {
        return 0;
      }
      int n = 0;
      for (int w = 0; w < nullSlots.length; w++) {
        n += Long.bitCount(nullSlots[w] & requestedSlots[w]);
      }
      return n;
    }
  }

  /** One on-demand feature to compute. */
  static final class OnDemandPlan {
    final String view;
    final OnDemandFeature feature;
    final int col;
    final Map<String, Integer> inputCols;
    final List<Field> request;
    final Map<String, Integer> requestIndex;

    OnDemandPlan(
        String view,
        OnDemandFeature feature,
        int col,
        Map<String, Integer> inputCols,
        List<Field> request) {
      this.view = view;
      this.feature = feature;
      this.col = col;
      this.inputCols = Map.copyOf(inputCols);
      this.request = List.copyOf(request);
      Map<String, Integer> idx = new HashMap<>();
      for (int i = 0; i < request.size(); i++) {
        idx.put(request.get(i).name(), i);
      }
      this.requestIndex = Map.copyOf(idx);
    }
  }

  final Columns columns;
  final int width;
  final ViewPlan[] views;
  final OnDemandPlan[] onDemand;

  /** The views the requested references name, sorted (for {@link FeatureLookupObserver}). */
  final List<String> viewNames;

  /** Per column: the index in {@link #views} of its stored feature's view; -1 for on-demand. */
  final int[] colView;

  /** Per column: its stored feature's slot in the view; -1 for on-demand. */
  final int[] colSlot;

  private Plan(
      Columns columns,
      int width,
      ViewPlan[] views,
      OnDemandPlan[] onDemand,
      List<String> viewNames) {
    this.columns = columns;
    this.width = width;
    this.views = views;
    this.onDemand = onDemand;
    this.viewNames = viewNames;
    this.colView = new int[width];
    this.colSlot = new int[width];
    Arrays.fill(colView, -1);
    Arrays.fill(colSlot, -1);
    for (int v = 0; v < views.length; v++) {
      for (int j = 0; j < views[v].cols.length; j++) {
        colView[views[v].cols[j]] = v;
        colSlot[views[v].cols[j]] = views[v].slots[j];
      }
    }
  }

  /**
   * Resolves {@code refs} against a snapshot.
   *
   * @throws UnknownFeatureException for an unknown view or feature
   * @throws IllegalArgumentException for a malformed or repeated reference
   */
  static Plan compile(
      List<String> refs, Map<String, ViewState> views, Map<String, OnDemandView> onDemandViews) {
    if (refs.isEmpty()) {
      throw new IllegalArgumentException("Request at least one feature (\"view:feature\")");
    }
    List<String> columns = new ArrayList<>(refs);
    Map<String, Integer> colOf = new HashMap<>();
    for (int i = 0; i < refs.size(); i++) {
      String ref = refs.get(i);
      FeatureRef.parse(ref);
      if (colOf.put(ref, i) != null) {
        throw new IllegalArgumentException("Feature '" + ref + "' is requested twice");
      }
    }
    // view name -> list of {slot, col}; TreeMap: a deterministic order, irrelevant to results.
    Map<String, List<int[]>> stored = new TreeMap<>();
    List<OnDemandPlan> onDemand = new ArrayList<>();
    Set<String> viewNames = new TreeSet<>();
    for (int i = 0; i < refs.size(); i++) {
      FeatureRef ref = FeatureRef.parse(refs.get(i));
      viewNames.add(ref.view());
      ViewState v = views.get(ref.view());
      if (v != null) {
        Integer slot = v.def.slotByName.get(ref.feature());
        if (slot != null) {
          addSlot(stored, v.name, slot, i);
          continue;
        }
        OnDemandFeature f = v.onDemand.get(ref.feature());
        if (f == null) {
          List<String> known = new ArrayList<>(v.def.slotByName.keySet());
          known.sort(null);
          known.addAll(v.onDemand.keySet());
          throw UnknownFeatureException.feature(v.name, ref.feature(), known);
        }
        Map<String, Integer> inputs = new LinkedHashMap<>();
        for (ViewDefinition.StoredFeature sf : v.def.features) {
          int col = column(v.name + FeatureRef.SEPARATOR + sf.name(), columns, colOf);
          inputs.put(sf.name(), col);
          addSlot(stored, v.name, Objects.requireNonNull(v.def.slotByName.get(sf.name())), col);
        }
        onDemand.add(new OnDemandPlan(v.name, f, i, inputs, v.requestFields));
        continue;
      }
      OnDemandView odv = onDemandViews.get(ref.view());
      if (odv == null) {
        Set<String> known = new HashSet<>(views.keySet());
        known.addAll(onDemandViews.keySet());
        throw UnknownFeatureException.view(ref.view(), new TreeSet<>(known));
      }
      OnDemandFeature f = null;
      for (OnDemandFeature candidate : odv.features()) {
        if (candidate.name().equals(ref.feature())) {
          f = candidate;
        }
      }
      if (f == null) {
        throw UnknownFeatureException.feature(
            odv.name(), ref.feature(), odv.features().stream().map(OnDemandFeature::name).toList());
      }
      Map<String, Integer> inputs = new LinkedHashMap<>();
      for (String input : odv.inputs()) {
        FeatureRef in = FeatureRef.parse(input);
        ViewState iv = views.get(in.view());
        if (iv == null) {
          throw UnknownFeatureException.view(in.view(), new TreeSet<>(views.keySet()));
        }
        Integer slot = iv.def.slotByName.get(in.feature());
        if (slot == null) {
          throw UnknownFeatureException.feature(iv.name, in.feature(), iv.def.slotByName.keySet());
        }
        int col = column(input, columns, colOf);
        inputs.put(input, col);
        addSlot(stored, iv.name, slot, col);
      }
      onDemand.add(new OnDemandPlan(odv.name(), f, i, inputs, odv.requestFields()));
    }
    List<ViewPlan> viewPlans = new ArrayList<>();
    for (Map.Entry<String, List<int[]>> e : stored.entrySet()) {
      viewPlans.add(
          new ViewPlan(Objects.requireNonNull(views.get(e.getKey())), e.getValue(), refs.size()));
    }
    return new Plan(
        new Columns(refs),
        columns.size(),
        viewPlans.toArray(new ViewPlan[0]),
        onDemand.toArray(new OnDemandPlan[0]),
        List.copyOf(viewNames));
  }

  private static int column(String ref, List<String> columns, Map<String, Integer> colOf) {
    Integer col = colOf.get(ref);
    if (col == null) {
      col = columns.size();
      columns.add(ref);
      colOf.put(ref, col);
    }
    return col;
  }

  private static void addSlot(Map<String, List<int[]>> stored, String view, int slot, int col) {
    List<int[]> list = stored.computeIfAbsent(view, k -> new ArrayList<>());
    for (int[] sc : list) {
      if (sc[1] == col) {
        return;
      }
    }
    list.add(new int[] {slot, col});
  }

  /** Computes the on-demand columns of one row. */
  void evaluate(
      FeatureValue[] row, Instant t, Map<String, ? extends @Nullable Object> data, int rowIndex) {
    for (OnDemandPlan p : onDemand) {
      @Nullable Object[] request = new Object[p.request.size()];
      for (int i = 0; i < request.length; i++) {
        Field f = p.request.get(i);
        Object v = data.get(f.name());
        if (v == null) {
          if (!data.containsKey(f.name())) {
            throw new FeatureDataException(
                p.view,
                f.name(),
                rowIndex,
                "missing request field ("
                    + f.type()
                    + ") needed by on-demand feature '"
                    + p.view
                    + ":"
                    + p.feature.name()
                    + "'");
          }
        } else {
          Object c = f.type().canonical(v);
          if (c == null) {
            throw new FeatureDataException(
                p.view, f.name(), rowIndex, "request field " + f.type().mismatch(v));
          }
          request[i] = c;
        }
      }
      Inputs in = new Inputs(p, row, request, t);
      Object result;
      try {
        result = p.feature.function().compute(in);
      } catch (RuntimeException e) {
        throw new FeatureException(
            p.view,
            p.feature.name(),
            rowIndex,
            "On-demand feature '"
                + p.view
                + ":"
                + p.feature.name()
                + "' failed on row "
                + rowIndex
                + ": "
                + e,
            e);
      }
      Object value = null;
      if (result != null) {
        value = p.feature.type().canonical(result);
        if (value == null) {
          throw new FeatureException(
              p.view,
              p.feature.name(),
              rowIndex,
              "On-demand feature '"
                  + p.view
                  + ":"
                  + p.feature.name()
                  + "' returned a value that "
                  + p.feature.type().mismatch(result)
                  + " on row "
                  + rowIndex);
        }
      }
      Instant newest = null;
      for (int col : p.inputCols.values()) {
        Instant e = row[col].eventTime();
        if (e != null && (newest == null || e.isAfter(newest))) {
          newest = e;
        }
      }
      row[p.col] = FeatureValue.of(value, newest);
    }
  }

  private static final class Inputs implements FeatureInputs {
    private final OnDemandPlan plan;
    private final FeatureValue[] row;
    private final @Nullable Object[] request;
    private final Instant t;

    Inputs(OnDemandPlan plan, FeatureValue[] row, @Nullable Object[] request, Instant t) {
      this.plan = plan;
      this.row = row;
      this.request = request;
      this.t = t;
    }

    @Override
    public Instant timestamp() {
      return t;
    }

    @Override
    public FeatureValue feature(String name) {
      Integer col = plan.inputCols.get(name);
      if (col == null) {
        throw new IllegalArgumentException(
            "On-demand feature '"
                + plan.view
                + ":"
                + plan.feature.name()
                + "' has no input '"
                + name
                + "'; its inputs: "
                + plan.inputCols.keySet());
      }
      return row[col];
    }

    @Override
    public @Nullable Object request(String name) {
      Integer i = plan.requestIndex.get(name);
      if (i == null) {
        throw new IllegalArgumentException(
            "On-demand feature '"
                + plan.view
                + ":"
                + plan.feature.name()
                + "' declares no request field '"
                + name
                + "'; declared: "
                + plan.requestIndex.keySet());
      }
      return request[i];
    }
  }
}
