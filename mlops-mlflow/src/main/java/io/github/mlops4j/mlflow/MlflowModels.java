package io.github.mlops4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.SortedMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What the REST handler and the importer both write on a model version: the tags MLflow's stage and
 * source are kept in, the formats of a version made from one file or from a directory, and the zip
 * a directory is stored as. Defined once, so a version one of them wrote reads the same through the
 * other.
 */
final class MlflowModels {
  /** Version tag holding MLflow's stage ({@code Staging}, {@code Production}, ...). */
  static final String STAGE_TAG = "mlops.mlflow.stage";

  /** Version tag holding MLflow's source URI of the version. */
  static final String SOURCE_TAG = "mlops.mlflow.source";

  /** Format of a version made from a directory (an MLflow model): a zip of its files. */
  static final String ZIP_FORMAT = "mlflow-model-zip";

  /** Format of a version made from a single file, stored as it is. */
  static final String FILE_FORMAT = "mlflow-model-file";

  /** The time of every zip entry, in local time so the bytes do not depend on the time zone. */
  private static final LocalDateTime ZIP_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private MlflowModels() {}

  /** Opens the content of one zip entry. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  /**
   * Writes a zip of these entries to {@code target}, in name order, each with the same fixed time:
   * the same files give the same bytes, whoever zips them.
   */
  static void zip(Path target, SortedMap<String, Content> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(target);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, Content> entry : entries.entrySet()) {
        ZipEntry e = new ZipEntry(entry.getKey());
        e.setTimeLocal(ZIP_TIME);
        z.putNextEntry(e);
        try (InputStream in = entry.getValue().open()) {
          in.transferTo(z);
        }
        z.closeEntry();
      }
    }
  }
}
