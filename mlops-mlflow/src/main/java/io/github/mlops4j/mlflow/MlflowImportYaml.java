package io.github.mlops4j.mlflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * MLflow's {@code meta.yaml} files, read as untrusted input: a file of at most {@link #MAX_BYTES},
 * a mapping whose top-level scalar values are kept (nested values are skipped, at most {@link
 * #MAX_NESTING} levels deep), no anchors, aliases or explicit tags (MLflow writes them with {@code
 * yaml.safe_dump}, which uses none), no duplicate keys.
 */
final class MlflowImportYaml {
  static final int MAX_BYTES = 64 * 1024;
  static final int MAX_NESTING = 8;

  private static final YAMLFactory FACTORY = factory();

  private MlflowImportYaml() {}

  private static YAMLFactory factory() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(1);
    options.setNestingDepthLimit(MAX_NESTING + 2);
    options.setCodePointLimit(MAX_BYTES);
    options.setAllowRecursiveKeys(false);
    return YAMLFactory.builder()
        .loaderOptions(options)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING + 2)
                .maxStringLength(MAX_BYTES)
                .maxNumberLength(40)
                .build())
        .build();
  }

  /** The top-level scalars of the mapping in {@code file}: text, or null for a YAML null. */
  static Map<String, @Nullable String> read(MlflowImportFiles files, Path file) {
    return parse(files.text(file, MAX_BYTES), files.name(file));
  }

  /**
   * The top-level scalars of the mapping in {@code text}, read from the file named {@code file}.
   *
   * @throws MlflowImportException naming {@code file} if the text breaks a rule above
   */
  static Map<String, @Nullable String> parse(String text, String file) {
    if (text.length() > MAX_BYTES) {
      throw new MlflowImportException(file, "is over the limit of " + MAX_BYTES + " bytes");
    }
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = next(file, p);
      if (t != JsonToken.START_OBJECT) {
        throw new MlflowImportException(file, "is not a YAML mapping");
      }
      while ((t = next(file, p)) != JsonToken.END_OBJECT) {
        if (t != JsonToken.FIELD_NAME) {
          throw new MlflowImportException(file, "is not a YAML mapping");
        }
        String key = p.currentName();
        t = next(file, p);
        if (out.containsKey(key)) {
          throw new MlflowImportException(
              file, "has the key '" + MlflowImport.cut(String.valueOf(key)) + "' twice");
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          skip(file, p);
          continue;
        }
        out.put(key, t == JsonToken.VALUE_NULL ? null : p.getText());
      }
      if (p.nextToken() != null) {
        throw new MlflowImportException(file, "holds more than one YAML document");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof MlflowImportException m) {
        throw m;
      }
      throw new MlflowImportException(file, "is not YAML as MLflow writes it: " + firstLine(e), e);
    }
    return out;
  }

  private static void skip(String file, JsonParser p) throws IOException {
    int depth = 1;
    while (depth > 0) {
      JsonToken t = next(file, p);
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        depth--;
      }
    }
  }

  private static JsonToken next(String file, JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new MlflowImportException(file, "ends early (truncated YAML)");
    }
    if (p instanceof YAMLParser y) {
      if (y.isCurrentAlias() || y.getObjectId() != null) {
        throw new MlflowImportException(
            file, "uses YAML anchors or aliases, which MLflow never writes");
      }
      if (y.getTypeId() != null) {
        throw new MlflowImportException(
            file,
            "uses the explicit YAML tag '!"
                + MlflowImport.cut(String.valueOf(y.getTypeId()))
                + "', which MLflow never writes");
      }
    }
    if (p.getParsingContext().getNestingDepth() > MAX_NESTING) {
      throw new MlflowImportException(file, "is nested deeper than " + MAX_NESTING + " levels");
    }
    return t;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return MlflowImport.cut(nl < 0 ? m : m.substring(0, nl));
  }
}
