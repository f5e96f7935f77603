package io.github.mlops4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Reads an ONNX file's protobuf structure before onnxruntime sees it, and refuses what onnxruntime
 * would load unchecked: tensors whose declared size (the product of their dimensions times the
 * element size) exceeds a bound, alone or together; tensors stored in external data files (a model
 * file could otherwise make the runtime read any file); graphs nested deeper than {@link
 * #MAX_DEPTH}; a file that is not a protobuf message with a graph.
 *
 * <p>Covers every tensor in the file: graph initializers, sparse initializers, and tensor
 * attributes of nodes (e.g. {@code Constant}), in subgraphs ({@code If}, {@code Loop}, {@code
 * Scan}) and in model-local functions.
 */
final class OnnxFileCheck {
  /** Subgraphs inside subgraphs: converters emit two or three levels. */
  static final int MAX_DEPTH = 16;

  // ModelProto
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_FUNCTIONS = 25;
  // GraphProto
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  // FunctionProto
  private static final int FUNCTION_NODE = 7;
  // NodeProto
  private static final int NODE_ATTRIBUTE = 5;
  // AttributeProto
  private static final int ATTR_TENSOR = 5;
  private static final int ATTR_GRAPH = 6;
  private static final int ATTR_TENSORS = 10;
  private static final int ATTR_GRAPHS = 11;
  private static final int ATTR_SPARSE_TENSOR = 22;
  private static final int ATTR_SPARSE_TENSORS = 23;
  // SparseTensorProto
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  // TensorProto
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;

  private final long maxTensorBytes;
  private long totalBytes;
  private int tensors;

  private OnnxFileCheck(long maxTensorBytes) {
    this.maxTensorBytes = maxTensorBytes;
  }

  /**
   * Checks a whole file.
   *
   * @param maxTensorBytes bound of the declared bytes of all tensors together
   * @return the number of tensors found
   * @throws IllegalArgumentException naming what is wrong
   */
  static int check(byte[] bytes, long maxTensorBytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("the file is empty");
    }
    OnnxFileCheck check = new OnnxFileCheck(maxTensorBytes);
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      boolean graph = false;
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == MODEL_GRAPH && isMessage(tag)) {
          graph = true;
          check.message(in, 0, check::graph);
        } else if (field == MODEL_FUNCTIONS && isMessage(tag)) {
          check.message(in, 0, check::function);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      if (!graph) {
        throw new IllegalArgumentException("the file holds no ONNX graph");
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the file is not a well-formed ONNX model (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("the file cannot be read as ONNX: " + e.getMessage(), e);
    }
    return check.tensors;
  }

  private interface Part {
    void read(CodedInputStream in, int depth) throws IOException;
  }

  private static boolean isMessage(int tag) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  private void message(CodedInputStream in, int depth, Part part) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("graphs are nested deeper than " + MAX_DEPTH + " levels");
    }
    int length = in.readRawVarint32();
    if (length < 0) {
      throw new IllegalArgumentException("the file holds a negative length");
    }
    int limit = in.pushLimit(length);
    part.read(in, depth);
    in.checkLastTagWas(0);
    in.popLimit(limit);
  }

  private void graph(CodedInputStream in, int depth) throws IOException {
    fields(
        in,
        (field, tag) -> {
          if (field == GRAPH_NODE) {
            message(in, depth, this::node);
          } else if (field == GRAPH_INITIALIZER) {
            message(in, depth, this::tensor);
          } else if (field == GRAPH_SPARSE_INITIALIZER) {
            message(in, depth, this::sparse);
          } else {
            return false;
          }
          return true;
        });
  }

  private void function(CodedInputStream in, int depth) throws IOException {
    fields(
        in,
        (field, tag) -> {
          if (field == FUNCTION_NODE) {
            message(in, depth, this::node);
            return true;
          }
          return false;
        });
  }

  private void node(CodedInputStream in, int depth) throws IOException {
    fields(
        in,
        (field, tag) -> {
          if (field == NODE_ATTRIBUTE) {
            message(in, depth, this::attribute);
            return true;
          }
          return false;
        });
  }

  private void attribute(CodedInputStream in, int depth) throws IOException {
    fields(
        in,
        (field, tag) -> {
          switch (field) {
            case ATTR_TENSOR, ATTR_TENSORS -> message(in, depth, this::tensor);
            case ATTR_GRAPH, ATTR_GRAPHS -> message(in, depth + 1, this::graph);
            case ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS -> message(in, depth, this::sparse);
            default -> {
              return false;
            }
          }
          return true;
        });
  }

  private void sparse(CodedInputStream in, int depth) throws IOException {
    fields(
        in,
        (field, tag) -> {
          if (field == SPARSE_VALUES || field == SPARSE_INDICES) {
            message(in, depth, this::tensor);
            return true;
          }
          return false;
        });
  }

  private void tensor(CodedInputStream in, int depth) throws IOException {
    long elements = 1;
    int dataType = 0;
    boolean overflow = false;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (field == TENSOR_DIMS && wire == WireFormat.WIRETYPE_VARINT) {
        long d = in.readInt64();
        elements = times(elements, d);
        overflow |= elements < 0;
      } else if (field == TENSOR_DIMS && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          elements = times(elements, in.readInt64());
          overflow |= elements < 0;
        }
        in.popLimit(limit);
      } else if (field == TENSOR_DATA_TYPE && wire == WireFormat.WIRETYPE_VARINT) {
        dataType = in.readInt32();
      } else if (field == TENSOR_EXTERNAL_DATA && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        throw new IllegalArgumentException(
            "a tensor refers to external data files, which are never loaded: embed the weights in"
                + " the model file");
      } else if (field == TENSOR_DATA_LOCATION && wire == WireFormat.WIRETYPE_VARINT) {
        if (in.readInt32() == DATA_LOCATION_EXTERNAL) {
          throw new IllegalArgumentException(
              "a tensor is stored in an external data file, which is never loaded: embed the"
                  + " weights in the model file");
        }
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    tensors++;
    long bytes = overflow ? -1 : times(elements, elementBytes(dataType));
    if (bytes < 0 || bytes > maxTensorBytes || (totalBytes += bytes) > maxTensorBytes) {
      throw new IllegalArgumentException(
          "its tensors declare "
              + (bytes < 0 ? "more than 2^63" : String.valueOf(Math.max(bytes, totalBytes)))
              + " bytes, over the limit of "
              + maxTensorBytes
              + " (OnnxLoader.Builder.maxTensorBytes)");
    }
  }

  /** a * b for non-negative factors; -1 on overflow or a negative factor. */
  private static long times(long a, long b) {
    if (a < 0 || b < 0) {
      return -1;
    }
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /** Bytes per element of an ONNX TensorProto.DataType (strings count their own bytes: 1). */
  private static long elementBytes(int dataType) {
    return switch (dataType) {
      case 5, 4, 10, 16 -> 2; // INT16, UINT16, FLOAT16, BFLOAT16
      case 1, 6, 12 -> 4; // FLOAT, INT32, UINT32
      case 7, 11, 13, 14 -> 8; // INT64, DOUBLE, UINT64, COMPLEX64
      case 15 -> 16; // COMPLEX128
      default -> 1; // UINT8, INT8, BOOL, STRING, 8-bit floats, unknown
    };
  }

  private interface FieldReader {
    /** Reads the field if it is one the caller walks into; false to skip it. */
    boolean read(int field, int tag) throws IOException;
  }

  private static void fields(CodedInputStream in, FieldReader reader) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      if (isMessage(tag) && reader.read(WireFormat.getTagFieldNumber(tag), tag)) {
        continue;
      }
      if (!in.skipField(tag)) {
        return;
      }
    }
  }
}
