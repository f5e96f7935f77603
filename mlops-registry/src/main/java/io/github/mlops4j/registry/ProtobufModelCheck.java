package io.github.mlops4j.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.ListProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.MapProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.ObjectProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.RootProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.SimpleProvenanceProto;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.tribuo.protos.core.ModelProto;

/**
 * The check a Tribuo protobuf model file passes before Tribuo parses it. Tribuo's loader calls
 * {@code Class.forName} (which runs static initializers) on class names read from the file, at
 * every level of the model, so every class name in the file is checked first:
 *
 * <ol>
 *   <li>The file is parsed with protobuf-java against Tribuo's own message descriptors, and every
 *       {@code google.protobuf.Any} payload (Tribuo's nested objects) is parsed as the type its
 *       type URL names, recursively. A payload type must be one of Tribuo's or OLCUT's message
 *       types ({@link #DESCRIPTOR_CLASSES}); TensorFlow and OCI models (which read files and call
 *       services named in the model) are refused.
 *   <li>Every message at every depth must have no unknown fields, and nesting (counting {@code Any}
 *       payloads) is at most {@value #MAX_DEPTH} messages deep.
 *   <li>Every string field named {@code class_name} or {@code *_class_name} (the redirect messages'
 *       classes, OLCUT's provenance and object classes) and the enum class of an OLCUT {@code
 *       EnumProvenance} must be a well-formed binary class name in an allowed package (the
 *       registry's allowed packages, plus OLCUT's provenance package {@value #OLCUT_PROVENANCE}).
 *   <li>Every provenance graph ({@code olcut.RootProvenanceProto}) must be well-formed: indices
 *       unique and in range, list and map entries referenced once, no cycles, and at most {@value
 *       #MAX_PROVENANCE_DEPTH} levels (OLCUT's decoder recurses and would otherwise overflow the
 *       stack or take exponential time).
 *   <li>A LibLinear model embeds Java-serialized bytes that Tribuo reads without a filter: it is
 *       refused unless Java serialization was allowed, and then its bytes are first read through
 *       that filter.
 * </ol>
 *
 * <p>Anything refused is an {@link UnsafeModelException}; nothing is handed to Tribuo. The check
 * holds the parsed message tree while it runs (a few times the file size for models whose numbers
 * are stored as repeated fields).
 */
final class ProtobufModelCheck {
  /** Deepest message nesting accepted, counting {@code Any} payloads as one level. */
  static final int MAX_DEPTH = 100;

  /** Longest chain of provenance objects, maps and lists accepted. */
  static final int MAX_PROVENANCE_DEPTH = 100;

  /** Longest class name accepted. */
  static final int MAX_CLASS_NAME = 1000;

  /** Always allowed for class names: OLCUT's provenance classes, used by every Tribuo model. */
  static final String OLCUT_PROVENANCE = "com.oracle.labs.mlrg.olcut.provenance.";

  static final String ENUM_PROVENANCE = OLCUT_PROVENANCE + "primitives.EnumProvenance";

  private static final String ANY = "google.protobuf.Any";
  private static final String ROOT_PROVENANCE = "olcut.RootProvenanceProto";
  private static final String SIMPLE_PROVENANCE = "olcut.SimpleProvenanceProto";
  private static final String LIBLINEAR_MODEL = "tribuo.common.liblinear.LibLinearModelProto";
  private static final String DENSE_TENSOR = "tribuo.math.impl.DenseTensorProto";
  private static final String SPARSE_TENSOR = "tribuo.math.impl.SparseTensorProto";

  /** Rows a sparse matrix may have without storing anything in them, if the file is smaller. */
  static final int MIN_ROW_ALLOWANCE = 1 << 20;

  private static final Pattern BINARY_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  /**
   * The classes holding the file descriptors of Tribuo 4.3's and OLCUT's messages (one per {@code
   * .proto} file; modules not on the class path are skipped). Payload types are looked up among
   * their messages only, so a type name in a file never makes the check load a class. TensorFlow
   * and OCI are left out on purpose.
   */
  private static final List<String> DESCRIPTOR_CLASSES =
      List.of(
          "com.oracle.labs.mlrg.olcut.config.protobuf.protos.OlcutProto",
          "org.tribuo.protos.core.TribuoCore",
          "org.tribuo.protos.core.TribuoCoreImpl",
          "org.tribuo.math.protos.TribuoMath",
          "org.tribuo.math.protos.TribuoMathImpl",
          "org.tribuo.anomaly.protos.TribuoAnomalyCore",
          "org.tribuo.anomaly.libsvm.protos.TribuoAnomalyLibsvm",
          "org.tribuo.classification.protos.TribuoClassificationCore",
          "org.tribuo.classification.libsvm.protos.TribuoClassificationLibsvm",
          "org.tribuo.classification.mnb.protos.TribuoClassificationMnb",
          "org.tribuo.classification.sgd.protos.TribuoClassificationSgd",
          "org.tribuo.clustering.protos.TribuoClusteringCore",
          "org.tribuo.clustering.hdbscan.protos.TribuoClusteringHdbscan",
          "org.tribuo.clustering.kmeans.protos.TribuoClusteringKmeans",
          "org.tribuo.common.liblinear.protos.TribuoLiblinear",
          "org.tribuo.common.libsvm.protos.TribuoLibsvm",
          "org.tribuo.common.nearest.protos.TribuoCommonKnn",
          "org.tribuo.common.sgd.protos.TribuoCommonSgd",
          "org.tribuo.common.sgd.protos.TribuoSgd",
          "org.tribuo.common.tree.protos.TribuoTree",
          "org.tribuo.common.xgboost.protos.TribuoXgboost",
          "org.tribuo.interop.onnx.protos.TribuoOnnx",
          "org.tribuo.multilabel.protos.TribuoMultilabelCore",
          "org.tribuo.multilabel.sgd.protos.TribuoMultilabelSgd",
          "org.tribuo.regression.protos.TribuoRegressionCore",
          "org.tribuo.regression.libsvm.protos.TribuoRegressionLibsvm",
          "org.tribuo.regression.rtree.protos.TribuoRegressionTree",
          "org.tribuo.regression.sgd.protos.TribuoRegressionSgd",
          "org.tribuo.regression.slm.protos.TribuoRegressionSlm");

  /** Tribuo's and OLCUT's message types on the class path, by full name (read on first use). */
  private static final class TribuoTypes {
    static final Map<String, Descriptor> ALL = load();

    private static Map<String, Descriptor> load() {
      Map<String, Descriptor> types = new HashMap<>();
      ClassLoader loader = ModelProto.class.getClassLoader();
      for (String name : DESCRIPTOR_CLASSES) {
        try {
          Object file = Class.forName(name, true, loader).getMethod("getDescriptor").invoke(null);
          if (file instanceof FileDescriptor fd) {
            for (Descriptor d : fd.getMessageTypes()) {
              types.put(d.getFullName(), d);
            }
          }
        } catch (ClassNotFoundException e) {
          // that Tribuo module is not on the class path: its models cannot be loaded anyway
        } catch (ReflectiveOperationException | LinkageError e) {
          // a different Tribuo version: its types stay unknown, so its models are refused
        }
      }
      return Map.copyOf(types);
    }
  }

  private final List<String> allowedPrefixes;
  private final @Nullable String javaSerialFilter;
  private final TypeResolver types;

  /** Finds the descriptor of a payload type by its full name, or null if it is unknown. */
  @FunctionalInterface
  interface TypeResolver {
    @Nullable Descriptor find(String fullName);
  }

  ProtobufModelCheck(List<String> allowedPrefixes, @Nullable String javaSerialFilter) {
    this(allowedPrefixes, javaSerialFilter, ProtobufModelCheck::tribuoType);
  }

  ProtobufModelCheck(
      List<String> allowedPrefixes, @Nullable String javaSerialFilter, TypeResolver types) {
    this.allowedPrefixes = List.copyOf(allowedPrefixes);
    this.javaSerialFilter = javaSerialFilter;
    this.types = types;
  }

  /**
   * Checks a model file and returns its top-level message.
   *
   * @throws UnsafeModelException if the file is empty, malformed or fails a check
   */
  ModelProto check(String model, int version, byte[] bytes) {
    Walk walk = new Walk(model, version, bytes.length);
    if (bytes.length == 0) {
      throw walk.refuse("is an empty file (0 bytes), not a Tribuo protobuf model");
    }
    DynamicMessage root =
        walk.parse(ModelProto.getDescriptor(), UnsafeByteOperations.unsafeWrap(bytes), "the file");
    String className =
        (String)
            root.getField(
                ModelProto.getDescriptor().findFieldByNumber(ModelProto.CLASS_NAME_FIELD_NUMBER));
    if (className.isEmpty()) {
      throw walk.refuse("names no model class; it is not a Tribuo protobuf model");
    }
    if (!allowedModelClass(className)) {
      throw walk.refuse(
          "names model class "
              + cut(className)
              + ", outside the allowed packages "
              + allowedPrefixes);
    }
    walk.message(root, 1, "ModelProto");
    try {
      return ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw walk.refuse(
          "is not a well-formed Tribuo protobuf model ("
              + cut(String.valueOf(e.getMessage()))
              + ")");
    }
  }

  /** A class named anywhere in the file: in an allowed package or OLCUT's provenance package. */
  boolean allowed(String className) {
    return allowedModelClass(className)
        || (wellFormed(className) && className.startsWith(OLCUT_PROVENANCE));
  }

  /** The model's own class: in an allowed package. */
  boolean allowedModelClass(String className) {
    if (!wellFormed(className)) {
      return false;
    }
    for (String prefix : allowedPrefixes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean wellFormed(String className) {
    return className.length() <= MAX_CLASS_NAME && BINARY_NAME.matcher(className).matches();
  }

  /** One walk over one file: the error context. */
  private final class Walk {
    private final String model;
    private final int version;
    private final int fileSize;

    Walk(String model, int version, int fileSize) {
      this.model = model;
      this.version = version;
      this.fileSize = fileSize;
    }

    UnsafeModelException refuse(String what) {
      return new UnsafeModelException(
          model,
          version,
          "Version " + version + " of '" + model + "' " + what + "; it was not loaded");
    }

    DynamicMessage parse(Descriptor type, ByteString bytes, String where) {
      try {
        return DynamicMessage.parseFrom(type, bytes);
      } catch (InvalidProtocolBufferException e) {
        throw refuse(
            "is not a well-formed Tribuo protobuf model: "
                + where
                + " is not a valid "
                + type.getFullName()
                + " ("
                + cut(String.valueOf(e.getMessage()))
                + ")");
      }
    }

    void message(Message m, int depth, String path) {
      if (depth > MAX_DEPTH) {
        throw refuse("nests messages more than " + MAX_DEPTH + " deep (at " + cut(path) + ")");
      }
      Descriptor type = m.getDescriptorForType();
      if (!m.getUnknownFields().asMap().isEmpty()) {
        throw refuse(
            "has unknown fields "
                + cut(m.getUnknownFields().asMap().keySet().toString())
                + " in "
                + type.getFullName()
                + " (at "
                + cut(path)
                + ")");
      }
      switch (type.getFullName()) {
        case ANY -> {
          any(m, depth, path);
          return;
        }
        case ROOT_PROVENANCE -> provenance(m, path);
        case SIMPLE_PROVENANCE -> enumClass(m, path);
        case LIBLINEAR_MODEL -> javaSerialized(m, path);
        case DENSE_TENSOR -> tensor(m, path, false);
        case SPARSE_TENSOR -> tensor(m, path, true);
        default -> {}
      }
      for (FieldDescriptor f : type.getFields()) {
        if (f.getType() == FieldDescriptor.Type.STRING && namesClass(f)) {
          for (Object v : values(m, f)) {
            String name = (String) v;
            if (!allowed(name)) {
              throw refuse(
                  "names class "
                      + cut(name)
                      + " in "
                      + f.getFullName()
                      + " (at "
                      + cut(path)
                      + "), outside the allowed packages "
                      + allowedPrefixes
                      + " and "
                      + OLCUT_PROVENANCE);
            }
          }
        } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          List<Object> children = values(m, f);
          for (int i = 0; i < children.size(); i++) {
            String child =
                f.isRepeated()
                    ? path + "." + f.getName() + "[" + i + "]"
                    : path + "." + f.getName();
            message((Message) children.get(i), depth + 1, child);
          }
        }
      }
    }

    private void any(Message m, int depth, String path) {
      Descriptor type = m.getDescriptorForType();
      String url = (String) m.getField(type.findFieldByName("type_url"));
      ByteString value = (ByteString) m.getField(type.findFieldByName("value"));
      if (url.isEmpty()) {
        if (!value.isEmpty()) {
          throw refuse("has a payload without a type (at " + cut(path) + ")");
        }
        return;
      }
      String name = url.substring(url.lastIndexOf('/') + 1);
      if (name.startsWith("tribuo.interop.tensorflow.") || name.startsWith("tribuo.interop.oci.")) {
        throw refuse(
            "holds a "
                + cut(name)
                + " payload (at "
                + cut(path)
                + "): TensorFlow and"
                + " OCI models read files or call services named in the model file, which the"
                + " registry does not load");
      }
      Descriptor payloadType = types.find(name);
      if (payloadType == null) {
        throw refuse(
            "holds a payload of type "
                + cut(url)
                + " (at "
                + cut(path)
                + "), which is"
                + " not one of Tribuo's message types");
      }
      message(parse(payloadType, value, cut(path)), depth + 1, path + "<" + name + ">");
    }

    /**
     * Tribuo allocates tensors from their declared shape, multiplying dimensions as {@code int}:
     * dimensions of 65,536 x 65,536 and no values pass its own check (the product overflows to 0)
     * and allocate 32 GiB, and a sparse matrix allocates one vector per declared row. A dense
     * tensor must hold exactly the product of its dimensions, a sparse one the values, indices and
     * rows it declares, with no more than max(file size, {@value #MIN_ROW_ALLOWANCE}) rows.
     */
    private void tensor(Message m, String path, boolean sparse) {
      Descriptor type = m.getDescriptorForType();
      List<Object> dimensions = values(m, field(type, "dimensions", path));
      long valueBytes = ((ByteString) m.getField(field(type, "values", path))).size();
      long elements = 1;
      long rows = 1;
      for (int i = 0; i < dimensions.size(); i++) {
        int dimension = (Integer) dimensions.get(i);
        if (dimension < 1) {
          throw refuse("has a tensor of shape " + shape(dimensions) + " (at " + cut(path) + ")");
        }
        elements = saturatingProduct(elements, dimension);
        if (i < dimensions.size() - 1) {
          rows = saturatingProduct(rows, dimension);
        }
      }
      if (!sparse) {
        if (elements > Integer.MAX_VALUE || valueBytes != elements * Double.BYTES) {
          throw refuse(
              "has a dense tensor of shape "
                  + shape(dimensions)
                  + " holding "
                  + valueBytes / Double.BYTES
                  + " values (at "
                  + cut(path)
                  + ")");
        }
        return;
      }
      long count = (Integer) m.getField(field(type, "numNonZero", path));
      long indexBytes = ((ByteString) m.getField(field(type, "indices", path))).size();
      if (count < 0
          || valueBytes != count * Double.BYTES
          || indexBytes != count * Integer.BYTES * Math.max(1, dimensions.size())) {
        throw refuse(
            "has a sparse tensor declaring "
                + count
                + " values with "
                + valueBytes
                + " bytes of values and "
                + indexBytes
                + " bytes of indices (at "
                + cut(path)
                + ")");
      }
      if (rows > Math.max(fileSize, MIN_ROW_ALLOWANCE)) {
        throw refuse(
            "has a sparse tensor of shape "
                + shape(dimensions)
                + ", more rows than"
                + " max(file size, "
                + MIN_ROW_ALLOWANCE
                + ") (at "
                + cut(path)
                + ")");
      }
    }

    /** {@code a * b} for {@code b >= 1}, or 2^40 if that is more. */
    private static long saturatingProduct(long a, int b) {
      long cap = 1L << 40;
      return a > cap / b ? cap : a * b;
    }

    private FieldDescriptor field(Descriptor type, String name, String path) {
      FieldDescriptor f = type.findFieldByName(name);
      if (f == null) {
        throw refuse("has an unexpected " + type.getFullName() + " layout (at " + cut(path) + ")");
      }
      return f;
    }

    /** OLCUT loads the enum class of an EnumProvenance by name; any dotted name is checked. */
    private void enumClass(Message m, String path) {
      SimpleProvenanceProto p = SimpleProvenanceProto.newBuilder().mergeFrom(m).build();
      String additional = p.getAdditional();
      boolean isEnum = p.getProvenanceClassName().equals(ENUM_PROVENANCE);
      if ((isEnum || additional.indexOf('.') >= 0 || additional.indexOf('$') >= 0)
          && !allowed(additional)) {
        throw refuse(
            "names enum class "
                + cut(additional)
                + " in provenance '"
                + cut(p.getKey())
                + "' (at "
                + cut(path)
                + "), outside the allowed packages "
                + allowedPrefixes
                + " and "
                + OLCUT_PROVENANCE);
      }
    }

    /**
     * OLCUT decodes a provenance graph recursively and follows every reference: a cycle overflows
     * the stack and a shared list or map is decoded once per reference (exponential time). Legit
     * files are trees of lists and maps under objects, with objects referenced by name.
     */
    private void provenance(Message m, String path) {
      RootProvenanceProto root = RootProvenanceProto.newBuilder().mergeFrom(m).build();
      int n = root.getOmpCount() + root.getSmpCount() + root.getMmpCount() + root.getLmpCount();
      int[][] edges = new int[n][];
      boolean[] seen = new boolean[n];
      boolean[] object = new boolean[n];
      Map<String, List<Integer>> objectsByName = new HashMap<>();
      for (ObjectProvenanceProto p : root.getOmpList()) {
        int i = slot(p.getIndex(), n, seen, path);
        object[i] = true;
        edges[i] = p.getValuesMap().values().stream().mapToInt(Integer::intValue).toArray();
        objectsByName.computeIfAbsent(p.getObjectName(), k -> new ArrayList<>()).add(i);
      }
      Map<Integer, String> references = new HashMap<>(); // simple provenance -> object name
      for (SimpleProvenanceProto p : root.getSmpList()) {
        int i = slot(p.getIndex(), n, seen, path);
        edges[i] = new int[0];
        if (p.getIsReference()) {
          references.put(i, p.getValue());
        }
      }
      for (MapProvenanceProto p : root.getMmpList()) {
        int i = slot(p.getIndex(), n, seen, path);
        edges[i] = p.getValuesMap().values().stream().mapToInt(Integer::intValue).toArray();
      }
      for (ListProvenanceProto p : root.getLmpList()) {
        int i = slot(p.getIndex(), n, seen, path);
        edges[i] = p.getValuesList().stream().mapToInt(Integer::intValue).toArray();
      }
      int[] referencedBy = new int[n];
      for (int i = 0; i < n; i++) {
        for (int target : edges[i]) {
          if (target < 0 || target >= n || object[target]) {
            throw refuse(
                "has a malformed provenance (at "
                    + cut(path)
                    + "): entry "
                    + i
                    + " refers to "
                    + (target < 0 || target >= n ? "missing entry " : "object ")
                    + target);
          }
          if (++referencedBy[target] > 1) {
            throw refuse(
                "has a malformed provenance (at "
                    + cut(path)
                    + "): entry "
                    + target
                    + " is referenced more than once");
          }
        }
      }
      // References from a simple provenance to an object, by the object's name.
      references.forEach(
          (from, name) ->
              edges[from] =
                  objectsByName.getOrDefault(name, List.of()).stream()
                      .mapToInt(Integer::intValue)
                      .toArray());
      longestPath(edges, path);
    }

    private int slot(int index, int n, boolean[] seen, String path) {
      if (index < 0 || index >= n || seen[index]) {
        throw refuse(
            "has a malformed provenance (at "
                + cut(path)
                + "): index "
                + index
                + (index < 0 || index >= n ? " is out of range" : " is used twice"));
      }
      seen[index] = true;
      return index;
    }

    /** Iterative depth-first search: refuses cycles and chains longer than the bound. */
    private void longestPath(int[][] edges, String path) {
      int n = edges.length;
      int[] state = new int[n]; // 0 new, 1 on stack, 2 done
      int[] height = new int[n];
      ArrayDeque<int[]> stack = new ArrayDeque<>(); // {node, next edge}
      for (int start = 0; start < n; start++) {
        if (state[start] != 0) {
          continue;
        }
        stack.push(new int[] {start, 0});
        state[start] = 1;
        while (!stack.isEmpty()) {
          int[] top = stack.peek();
          int node = top[0];
          if (top[1] < edges[node].length) {
            int next = edges[node][top[1]++];
            if (state[next] == 1) {
              throw refuse(
                  "has a malformed provenance (at "
                      + cut(path)
                      + "): it refers back"
                      + " to itself through entry "
                      + next);
            }
            if (state[next] == 0) {
              state[next] = 1;
              stack.push(new int[] {next, 0});
            }
          } else {
            int h = 1;
            for (int next : edges[node]) {
              h = Math.max(h, height[next] + 1);
            }
            if (h > MAX_PROVENANCE_DEPTH) {
              throw refuse(
                  "has a provenance nested more than "
                      + MAX_PROVENANCE_DEPTH
                      + " levels deep (at "
                      + cut(path)
                      + ")");
            }
            height[node] = h;
            state[node] = 2;
            stack.pop();
          }
        }
      }
    }

    /** Reads LibLinear's embedded Java-serialized models through the serialization filter. */
    private void javaSerialized(Message m, String path) {
      FieldDescriptor models = m.getDescriptorForType().findFieldByName("models");
      if (models == null || models.getType() != FieldDescriptor.Type.BYTES) {
        throw refuse("has an unexpected " + LIBLINEAR_MODEL + " layout (at " + cut(path) + ")");
      }
      List<Object> blobs = values(m, models);
      if (blobs.isEmpty()) {
        return;
      }
      String pattern = javaSerialFilter;
      if (pattern == null) {
        throw refuse(
            "is a LibLinear model, which embeds Java-serialized bytes that Tribuo reads"
                + " without a filter; the registry refuses it unless Java serialization is allowed"
                + " with ModelRegistry.builder().allowJavaSerialization(filter), for trusted files"
                + " only");
      }
      for (Object blob : blobs) {
        Object o;
        try {
          o = TribuoLoader.readFiltered(((ByteString) blob).toByteArray(), pattern);
        } catch (TribuoLoader.FilterRefusal e) {
          throw refuse(
              "embeds Java-serialized bytes (at "
                  + cut(path)
                  + ") that the serialization"
                  + " filter refused: "
                  + e.getMessage());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
          throw refuse(
              "embeds Java-serialized bytes that cannot be read (at "
                  + cut(path)
                  + "): "
                  + cut(String.valueOf(e)));
        }
        if (o == null || !o.getClass().getName().equals("de.bwaldvogel.liblinear.Model")) {
          throw refuse(
              "embeds "
                  + (o == null ? "null" : "a " + cut(o.getClass().getName()))
                  + " where a LibLinear model belongs (at "
                  + cut(path)
                  + ")");
        }
      }
    }
  }

  private static boolean namesClass(FieldDescriptor f) {
    return f.getName().equals("class_name") || f.getName().endsWith("_class_name");
  }

  /** The values of a field (all elements if repeated; the value, even if default, if not). */
  private static List<Object> values(Message m, FieldDescriptor f) {
    if (f.isRepeated()) {
      int n = m.getRepeatedFieldCount(f);
      List<Object> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(m.getRepeatedField(f, i));
      }
      return out;
    }
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !m.hasField(f)) {
      return List.of();
    }
    return List.of(m.getField(f));
  }

  /** A Tribuo or OLCUT message type by full name, or null. */
  static @Nullable Descriptor tribuoType(String fullName) {
    return TribuoTypes.ALL.get(fullName);
  }

  /** A tensor shape for a message: at most 10 dimensions. */
  private static String shape(List<Object> dimensions) {
    String head = dimensions.subList(0, Math.min(10, dimensions.size())).toString();
    return dimensions.size() <= 10
        ? head
        : head.substring(0, head.length() - 1) + ", ... (" + dimensions.size() + " dimensions)]";
  }

  /** A value cut to 100 characters for a message, control characters escaped. */
  static String cut(String s) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), 100);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > 100) {
      b.append("… (").append(s.length()).append(" characters)");
    }
    return b.toString();
  }
}
