package io.github.mlops4j.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@link io.github.mlops4j.artifacts.ArtifactStore} contract for the S3 store with {@code
 * spoolDirectory}: large streams are spooled to a local file and uploaded by digest. No spool file
 * may be left either.
 */
class S3SpooledArtifactStoreIT extends S3ArtifactStoreIT {
  private Path spool;

  @Override
  S3ArtifactStore.Builder configure(S3ArtifactStore.Builder builder) {
    try {
      spool = Files.createDirectories(temp.resolve("spool"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return builder.spoolDirectory(spool);
  }

  @Override
  protected List<String> leftovers() {
    List<String> left = new ArrayList<>(super.leftovers());
    try (Stream<Path> files = Files.list(spool)) {
      files.forEach(f -> left.add("spool file " + f));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return left;
  }
}
