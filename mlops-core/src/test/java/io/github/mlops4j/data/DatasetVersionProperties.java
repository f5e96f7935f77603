package io.github.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class DatasetVersionProperties {
  private static final long SEED = 0x6d6c6f7073346aL;

  @TempDir Path temp;

  private final AtomicInteger examples = new AtomicInteger();

  /** One cache for the whole run: a stale hit would show up as an unchanged digest. */
  private final DigestCache cache = DigestCache.create(10_000);

  private static QuickTheory quick() {
    return qt().withFixedSeed(SEED).withExamples(60);
  }

  private static Gen<byte[]> contents(int minSize, int maxSize) {
    return Generate.byteArrays(
        integers().between(minSize, maxSize),
        Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
  }

  @Test
  void flippingAnyByteOfAFile_changesTheDigest() {
    quick()
        .forAll(contents(1, 4096), integers().allPositive(), integers().between(1, 255))
        .checkAssert(
            (content, position, mask) -> {
              Path dir = freshDirectory();
              Path file = write(dir.resolve("data.bin"), content);
              String before = DatasetVersion.of("d", file, cache).digest();

              byte[] flipped = content.clone();
              flipped[position % flipped.length] ^= mask.byteValue();
              write(file, flipped);

              assertThat(DatasetVersion.of("d", file, cache).digest()).isNotEqualTo(before);
              assertThat(DatasetVersion.of("d", file, cache).digest())
                  .isEqualTo(DatasetVersionTest.sha256(flipped));
            });
  }

  @Test
  void flippingAnyByteOfAnyFileInATree_changesTheDigest() {
    quick()
        .forAll(
            lists().of(contents(1, 512)).ofSizeBetween(1, 6),
            integers().allPositive(),
            integers().allPositive(),
            integers().between(1, 255))
        .checkAssert(
            (files, fileIndex, position, mask) -> {
              Path dir = writeTree(freshDirectory(), files, false);
              String before = DatasetVersion.of("d", dir, cache).digest();

              int victim = fileIndex % files.size();
              byte[] flipped = files.get(victim).clone();
              flipped[position % flipped.length] ^= mask.byteValue();
              write(dir.resolve(fileName(victim)), flipped);

              assertThat(DatasetVersion.of("d", dir, cache).digest()).isNotEqualTo(before);
            });
  }

  @Test
  void digestIsDeterministic_whateverTheOrderAndTheCache() {
    quick()
        .forAll(lists().of(contents(0, 300)).ofSizeBetween(0, 8))
        .checkAssert(
            files -> {
              Path first = writeTree(freshDirectory(), files, false);
              Path second = writeTree(freshDirectory(), files, true);

              DatasetVersion a = DatasetVersion.of("d", first, cache);
              DatasetVersion b = DatasetVersion.of("d", second, DigestCache.create(0));
              DatasetVersion c = DatasetVersion.of("d", first, DigestCache.create(10));

              assertThat(b.digest()).isEqualTo(a.digest());
              assertThat(c).isEqualTo(a);
              assertThat(a.fileCount()).isEqualTo(files.size());
              assertThat(a.sizeBytes())
                  .isEqualTo(files.stream().mapToLong(content -> content.length).sum());
            });
  }

  @Test
  void newlineCount_matchesANaiveCount_atAnyStartOffsetAndLength() {
    Gen<byte[]> texty =
        Generate.byteArrays(
            integers().between(0, 200),
            Generate.pick(List.of((byte) '\n', (byte) 'a', (byte) '\r', (byte) 0x8a, (byte) 0x0b)));
    quick()
        .withExamples(500)
        .forAll(texty, integers().between(0, 1_000), integers().between(0, 1_000))
        .check(
            (bytes, a, b) -> {
              // Any slice [offset, offset + length) of the array, so the eight-byte loop starts at
              // every alignment and its tail sees every remainder.
              int offset = a % (bytes.length + 1);
              int length = b % (bytes.length - offset + 1);
              long naive = 0;
              for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == '\n') {
                  naive++;
                }
              }
              return FileHasher.countNewlines(bytes, offset, length) == naive;
            });
  }

  @Test
  void newlineCount_ignoresEverythingOutsideItsSlice() {
    byte[] bytes = "\n\n\nab\ncd\n\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(FileHasher.countNewlines(bytes, 3, 6)).isEqualTo(2); // "ab\ncd\n"
    assertThat(FileHasher.countNewlines(bytes, 3, 0)).isZero();
    assertThat(FileHasher.countNewlines(bytes, 0, bytes.length)).isEqualTo(7);
  }

  @Test
  void hashingInChunks_atAnyChunkSize_matchesHashingTheWholeContentAtOnce() {
    // Each read of the file starts at a non-zero offset into it (a multiple of the chunk size):
    // the digest, size and line count must not depend on where those boundaries fall, including
    // a boundary right after a final '\n' and files shorter than one chunk.
    Gen<byte[]> texty =
        Generate.byteArrays(
            integers().between(0, 600),
            Generate.pick(List.of((byte) '\n', (byte) 'x', (byte) '\r', (byte) 0)));
    quick()
        .withExamples(200)
        .forAll(texty, integers().between(1, 70))
        .checkAssert(
            (bytes, chunk) -> {
              Path file = write(freshDirectory().resolve("rows.txt"), bytes);
              FileDigest chunked;
              try {
                chunked = new FileHasher(chunk).hash(file, true);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              long lines = 0;
              for (byte x : bytes) {
                if (x == '\n') {
                  lines++;
                }
              }
              if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                lines++;
              }
              assertThat(chunked.digest()).isEqualTo(DatasetVersionTest.sha256(bytes));
              assertThat(chunked.size()).isEqualTo(bytes.length);
              assertThat(chunked.lines()).isEqualTo(lines);
            });
  }

  @Test
  void rowCountOfJsonLines_isTheNumberOfLines() {
    Gen<byte[]> texty =
        Generate.byteArrays(
            integers().between(0, 3000),
            Generate.pick(List.of((byte) '\n', (byte) '{', (byte) '}', (byte) ' ')));
    quick()
        .forAll(texty)
        .checkAssert(
            bytes -> {
              Path file = write(freshDirectory().resolve("x.jsonl"), bytes);
              long lines = 0;
              for (byte b : bytes) {
                if (b == '\n') {
                  lines++;
                }
              }
              if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                lines++;
              }
              assertThat(DatasetVersion.of("x", file, cache).rowCount()).isEqualTo(lines);
            });
  }

  private Path freshDirectory() {
    try {
      return Files.createDirectories(temp.resolve("example-" + examples.incrementAndGet()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes file i as {@code dir<i % 3>/f<i>.bin}, in order or in reverse. */
  private static Path writeTree(Path dir, List<byte[]> files, boolean reverse) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      order.add(i);
    }
    if (reverse) {
      Collections.reverse(order);
    }
    for (int i : order) {
      write(dir.resolve(fileName(i)), files.get(i));
    }
    return dir;
  }

  private static String fileName(int i) {
    return "dir" + (i % 3) + "/f" + i + ".bin";
  }

  private static Path write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
