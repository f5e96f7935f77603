package io.github.mlops4j.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetVersionTest {
  // printf 'hello, mlops4j\n' | sha256sum
  private static final String HELLO_SHA256 =
      "085a3a7c41539735d40d0c21636c0d3e7812ba5f9761a3bf8e75208b9ab5aa47";
  // printf '' | sha256sum   (also the digest of an empty directory: the manifest is empty)
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /**
   * The tree built by {@link #writeFixtureTree}, digested with coreutils 9.1:
   *
   * <pre>
   * mkdir -p t/sub/deeper t/sub-x && cd t && printf 'alpha\n' > a.txt && printf 'bravo' > B.txt \
   *   && printf 'x,y\n1,2\n3,4\n' > sub/b.csv && printf '{"k":1}\n{"k":2}' > sub/deeper/c.jsonl \
   *   && printf 'delta' > sub-x/d.dat && printf 'h\n' > .hidden && : > empty.tsv
   * find . -type f | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum | sha256sum
   * </pre>
   */
  private static final String FIXTURE_TREE_SHA256 =
      "ea32f9378af3857c254262ec2c4d3b82cfafd3e62f2772f1414a88ebc15d3361";

  @TempDir Path temp;

  private final DigestCache cache = DigestCache.create(1_000);

  @Test
  void file_digestIsTheSha256OfItsBytes() throws IOException {
    Path file = Files.writeString(temp.resolve("hello.txt"), "hello, mlops4j\n");

    DatasetVersion version = DatasetVersion.of(file);

    assertThat(version.name()).isEqualTo("hello.txt");
    assertThat(version.digest()).isEqualTo(HELLO_SHA256);
    assertThat(version.sizeBytes()).isEqualTo(15);
    assertThat(version.fileCount()).isEqualTo(1);
    assertThat(version.rowCount()).isEqualTo(1);
    assertThat(version.source()).isEqualTo(file.toAbsolutePath().normalize().toString());
  }

  @Test
  void file_namedExplicitly_andReachedThroughARelativePath() throws IOException {
    Path file = Files.writeString(temp.resolve("hello.txt"), "hello, mlops4j\n");
    Path roundabout = file.getParent().resolve("x/../hello.txt");
    Files.createDirectory(temp.resolve("x"));

    DatasetVersion version = DatasetVersion.of("greetings/v1", roundabout, cache);

    assertThat(version.name()).isEqualTo("greetings/v1");
    assertThat(version.digest()).isEqualTo(HELLO_SHA256);
    assertThat(version.source()).isEqualTo(file.toAbsolutePath().toString());
  }

  @Test
  void emptyFile() throws IOException {
    Path file = Files.createFile(temp.resolve("empty.bin"));

    DatasetVersion version = DatasetVersion.of("empty", file, cache);

    assertThat(version.digest()).isEqualTo(EMPTY_SHA256);
    assertThat(version.sizeBytes()).isZero();
    assertThat(version.rowCount()).isNull();
  }

  @Test
  void fileLargerThanTheBuffer_isHashedWhole() throws IOException {
    byte[] content = new byte[3 * FileHasher.BUFFER_SIZE + 3];
    new Random(1).nextBytes(content);
    content[content.length - 1] = 42; // a change in the last byte must matter
    Path file = Files.write(temp.resolve("big.bin"), content);

    assertThat(DatasetVersion.of("big", file, cache).digest()).isEqualTo(sha256(content));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "d.csv     | a,b\\n1,2\\n3,4\\n | 2",
        "d.csv     | a,b\\n1,2\\n3,4   | 2",
        "d.CSV     | a,b\\n1,2\\n3,4\\n | 2",
        "d.csv     | a,b\\r\\n1,2\\r\\n | 1",
        "d.csv     | a,b\\n           | 0",
        "d.csv     | a,b              | 0",
        "d.csv     | ''               | 0",
        "d.tsv     | a\\tb\\n1\\t2\\n    | 1",
        "d.tsv     | a\\tb\\n1\\t2       | 1",
        "d.jsonl   | {}\\n{}\\n{}\\n     | 3",
        "d.jsonl   | {}\\n{}\\n{}        | 3",
        "d.jsonl   | ''               | 0",
        "d.jsonl   | \\n              | 1",
        "d.ndjson  | {}\\n{}           | 2",
        "d.txt     | one\\ntwo\\n       | 2",
        "d.txt     | one              | 1",
        "d.json    | [1,\\n2]          | -1",
        "d.parquet | x\\ny\\n            | -1",
        "csv       | x\\ny\\n            | -1",
      })
  void rowCounts(String fileName, String escaped, long expectedRows) throws IOException {
    String content = escaped.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
    Path file = Files.writeString(temp.resolve(fileName), content);

    DatasetVersion version = DatasetVersion.of("d", file, cache);

    assertThat(version.rowCount()).isEqualTo(expectedRows < 0 ? null : expectedRows);
    assertThat(version.digest()).isEqualTo(sha256(content.getBytes(UTF_8)));
  }

  @Test
  void rowCount_acrossBufferBoundaries_matchesANaiveCount() throws IOException {
    Random random = new Random(3);
    StringBuilder text = new StringBuilder();
    long lines = 0;
    while (text.length() < 2 * FileHasher.BUFFER_SIZE + 100) {
      text.append("x".repeat(random.nextInt(40))).append('\n');
      lines++;
    }
    text.append("no newline at the end");
    lines++;
    Path file = Files.writeString(temp.resolve("big.jsonl"), text);

    assertThat(DatasetVersion.of("big", file, cache).rowCount()).isEqualTo(lines);
  }

  @Test
  void directory_digestEqualsTheSha256sumPipeline() throws IOException {
    Path dir = writeFixtureTree(temp.resolve("t"), false);

    DatasetVersion version = DatasetVersion.of(dir);

    assertThat(version.name()).isEqualTo("t");
    assertThat(version.digest()).isEqualTo(FIXTURE_TREE_SHA256);
    assertThat(version.fileCount()).isEqualTo(7);
    assertThat(version.sizeBytes()).isEqualTo(6 + 5 + 12 + 15 + 5 + 2);
    assertThat(version.rowCount()).as("sub-x/d.dat has no known row count").isNull();
    assertThat(version.source()).isEqualTo(dir.toAbsolutePath().toString());
  }

  @Test
  void directory_digestDoesNotDependOnCreationOrderOrTimestamps() throws IOException {
    Path forward = writeFixtureTree(temp.resolve("forward"), false);
    Path backward = writeFixtureTree(temp.resolve("backward"), true);
    Files.setLastModifiedTime(
        backward.resolve("a.txt"), FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));

    assertThat(DatasetVersion.of("d", backward, cache).digest())
        .isEqualTo(DatasetVersion.of("d", forward, cache).digest())
        .isEqualTo(FIXTURE_TREE_SHA256);
  }

  @Test
  void directory_rowsAreSummedWhenEveryFileHasACount() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("rows"));
    Files.writeString(dir.resolve("a.txt"), "alpha\n");
    Files.createDirectories(dir.resolve("sub/deeper"));
    Files.writeString(dir.resolve("sub/b.csv"), "x,y\n1,2\n3,4\n");
    Files.writeString(dir.resolve("sub/deeper/c.jsonl"), "{\"k\":1}\n{\"k\":2}");

    DatasetVersion version = DatasetVersion.of("rows", dir, cache);

    assertThat(version.rowCount()).isEqualTo(1 + 2 + 2);
    assertThat(version.rowCount()).isEqualTo(5L);
  }

  @Test
  void directory_manyFiles_hashedInParallel_matchTheManifestDefinition() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("many"));
    Random random = new Random(11);
    Map<String, byte[]> files = new TreeMap<>(); // ASCII names: String order = byte order
    for (int i = 0; i < 64; i++) {
      byte[] content = new byte[random.nextInt(50_000)];
      random.nextBytes(content);
      String name = "part-" + (i % 4) + "/f" + i + ".bin";
      files.put(name, content);
      Files.createDirectories(dir.resolve(name).getParent());
      Files.write(dir.resolve(name), content);
    }
    StringBuilder manifest = new StringBuilder();
    files.forEach(
        (name, content) -> manifest.append(sha256(content)).append("  ").append(name).append('\n'));

    DatasetVersion version = DatasetVersion.of("many", dir, cache);

    assertThat(version.digest()).isEqualTo(sha256(manifest.toString().getBytes(UTF_8)));
    assertThat(version.fileCount()).isEqualTo(64);
    assertThat(version.sizeBytes())
        .isEqualTo(files.values().stream().mapToLong(c -> c.length).sum());
  }

  @Test
  void emptyDirectory_isAllowed() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("nothing/here"));
    Files.createDirectories(dir.resolve("only/subdirectories"));

    DatasetVersion version = DatasetVersion.of(dir);

    assertThat(version.digest()).isEqualTo(EMPTY_SHA256);
    assertThat(version.fileCount()).isZero();
    assertThat(version.sizeBytes()).isZero();
    assertThat(version.rowCount()).isZero();
  }

  /**
   * Paths are sorted by UTF-8 bytes like {@code LC_ALL=C sort}, not by UTF-16 ({@link
   * String#compareTo}), which puts U+1F600 (a surrogate pair, D83D..) before U+FF21.
   *
   * <pre>
   * mkdir u && cd u && printf 'fullwidth\n' > $'\uff21.txt' \
   *   && printf 'emoji\n' > $'\U0001F600.txt' && printf 'z\n' > z.txt
   * find . -type f | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum | sha256sum
   * </pre>
   */
  @Test
  void directory_sortsByUtf8Bytes() throws IOException {
    assumeTrue(
        Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(UTF_8),
        "file names are not UTF-8 in this JVM");
    Path dir = Files.createDirectories(temp.resolve("u"));
    Files.writeString(dir.resolve("\uFF21.txt"), "fullwidth\n");
    Files.writeString(dir.resolve("\uD83D\uDE00.txt"), "emoji\n");
    Files.writeString(dir.resolve("z.txt"), "z\n");

    assertThat(DatasetVersion.of("u", dir, cache).digest())
        .isEqualTo("315655f93ad82eb9a877ca8ae011ca291277d059196eacb9743d611d009ba0f3");
  }

  /**
   * Names with a backslash are escaped exactly as sha256sum does, so the manifest stays
   * unambiguous.
   *
   * <pre>
   * mkdir e && cd e && printf 'x' > 'a\b' && printf 'y' > plain
   * sha256sum -- 'a\b' plain | sha256sum
   * </pre>
   */
  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void directory_escapesNamesLikeSha256sum() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("e"));
    Files.writeString(dir.resolve("a\\b"), "x");
    Files.writeString(dir.resolve("plain"), "y");

    assertThat(DatasetVersion.of("e", dir, cache).digest())
        .isEqualTo("f1ed8ab9797cae8ca4dfad9bd487873e3709c54074baaa4ebbc9c04683b41985");
  }

  @Test
  void manifestLine_escapesLikeSha256sum() {
    StringBuilder line = new StringBuilder();
    DatasetDigester.appendManifestLine(line, "ab", "x/y.csv");
    assertThat(line).hasToString("ab  x/y.csv\n");
    DatasetDigester.appendManifestLine(line, "ab", "a\\b\nc\rd");
    assertThat(line).hasToString("\\ab  a\\\\b\\nc\\rd\n");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void symlinkToAFileInsideTheTree_isHashedAsItsTarget() throws IOException {
    Path withLink = Files.createDirectories(temp.resolve("link/data"));
    Files.writeString(withLink.resolve("x.csv"), "a\n1\n");
    Files.createSymbolicLink(withLink.resolve("alias.csv"), Path.of("x.csv"));
    Path withCopy = Files.createDirectories(temp.resolve("copy/data"));
    Files.writeString(withCopy.resolve("x.csv"), "a\n1\n");
    Files.writeString(withCopy.resolve("alias.csv"), "a\n1\n");

    DatasetVersion linked = DatasetVersion.of("d", withLink, cache);

    assertThat(linked.digest()).isEqualTo(DatasetVersion.of("d", withCopy, cache).digest());
    assertThat(linked.fileCount()).isEqualTo(2);
    assertThat(linked.rowCount()).isEqualTo(2);
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void symlinkThatLeavesTheTree_isRejected() throws IOException {
    Path outside = Files.writeString(temp.resolve("secret.txt"), "not part of the dataset");
    Path dir = Files.createDirectories(temp.resolve("leaky"));
    Files.createSymbolicLink(dir.resolve("escape.txt"), Path.of("../secret.txt"));

    assertThatThrownBy(() -> DatasetVersion.of("d", dir, cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(dir.toRealPath().resolve("escape.txt").toString())
        .hasMessageContaining("outside the dataset directory")
        .hasMessageContaining(outside.toRealPath().toString());
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void danglingSymlink_andSymlinkToADirectory_areRejected() throws IOException {
    Path dangling = Files.createDirectories(temp.resolve("dangling"));
    Files.createSymbolicLink(dangling.resolve("gone.csv"), Path.of("nowhere.csv"));
    Path looping = Files.createDirectories(temp.resolve("looping/sub"));
    Files.createSymbolicLink(looping.resolve("up"), Path.of(".."));

    assertThatThrownBy(() -> DatasetVersion.of("d", dangling, cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("gone.csv")
        .hasMessageContaining("dangling");
    assertThatThrownBy(() -> DatasetVersion.of("d", looping.getParent(), cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("points to directory");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void unreadableFile_isAClearError() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("locked"));
    Path file = Files.writeString(dir.resolve("secret.csv"), "a\n1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    try {
      assumeFalse(Files.isReadable(file), "running as a user who can read any file (root)");
      assertThatThrownBy(() -> DatasetVersion.of("d", dir, cache))
          .isInstanceOf(DatasetException.class)
          .hasMessageContaining(file.toRealPath().toString())
          .hasMessageContaining("permission denied");
    } finally {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void missingPath_isAClearError() {
    Path missing = temp.resolve("no-such-data.csv");

    assertThatThrownBy(() -> DatasetVersion.of(missing))
        .isInstanceOfSatisfying(
            DatasetException.class, e -> assertThat(e.path()).isEqualTo(missing.toString()))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void statCache_hitsWhenUnchanged_missesWhenContentAndMtimeChange() throws IOException {
    // A clock a minute ahead, so the files just written count as settled (see racyFiles test).
    DigestCache cache = DigestCache.create(100, clockAhead(Duration.ofMinutes(1)));
    Path file = Files.writeString(temp.resolve("data.csv"), "a,b\n1,2\n");
    FileTime written = Files.getLastModifiedTime(file);

    DatasetVersion first = DatasetVersion.of("d", file, cache);
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hits()).isZero();

    DatasetVersion second = DatasetVersion.of("d", file, cache);
    assertThat(second).isEqualTo(first);
    assertThat(cache.hits()).isEqualTo(1);

    Files.writeString(file, "a,b\n3,4\n"); // same size, different content
    Files.setLastModifiedTime(file, FileTime.from(written.toInstant().plusSeconds(1)));
    DatasetVersion third = DatasetVersion.of("d", file, cache);
    assertThat(cache.misses()).isEqualTo(2);
    assertThat(third.digest())
        .isNotEqualTo(first.digest())
        .isEqualTo(sha256("a,b\n3,4\n".getBytes(UTF_8)));
  }

  @Test
  void statCache_isUsedForEveryFileOfADirectory() throws IOException {
    DigestCache cache = DigestCache.create(100, clockAhead(Duration.ofMinutes(1)));
    Path dir = writeFixtureTree(temp.resolve("t"), false);

    DatasetVersion.of("t", dir, cache);
    assertThat(cache.misses()).isEqualTo(7);
    assertThat(DatasetVersion.of("t", dir, cache).digest()).isEqualTo(FIXTURE_TREE_SHA256);
    assertThat(cache.hits()).isEqualTo(7);

    Files.writeString(dir.resolve("sub/b.csv"), "x,y\n1,2\n");
    assertThat(DatasetVersion.of("t", dir, cache).digest()).isNotEqualTo(FIXTURE_TREE_SHA256);
    assertThat(cache.hits()).isEqualTo(13);
    assertThat(cache.misses()).isEqualTo(8);

    cache.invalidateAll();
    DatasetVersion.of("t", dir, cache);
    assertThat(cache.misses()).isEqualTo(15);
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void statCache_catchesAnInPlaceRewriteThatRestoresTheMtime() throws IOException {
    assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("unix"));
    DigestCache cache = DigestCache.create(100, clockAhead(Duration.ofMinutes(1)));
    Path file = Files.writeString(temp.resolve("data.txt"), "aaaa");
    FileTime written = Files.getLastModifiedTime(file);
    String before = DatasetVersion.of("d", file, cache).digest();

    Object changedBefore = Files.getAttribute(file, "unix:ctime");
    Files.writeString(file, "bbbb");
    Files.setLastModifiedTime(file, written); // as `touch -r` or a careless copy tool would
    // File times come from a coarse kernel clock: repeat the touch until ctime has moved on (a few
    // milliseconds at most), as any real later rewrite would see it.
    while (Files.getAttribute(file, "unix:ctime").equals(changedBefore)) {
      Files.setLastModifiedTime(file, written);
    }

    assertThat(DatasetVersion.of("d", file, cache).digest())
        .isNotEqualTo(before)
        .isEqualTo(sha256("bbbb".getBytes(UTF_8)));
  }

  @Test
  void statCache_doesNotKeepFilesModifiedJustNow() throws IOException {
    // With the real clock this file changed less than two seconds ago: a second write within the
    // file system's timestamp granularity could go unnoticed, so its digest must not be cached.
    DigestCache cache = DigestCache.create(100);
    Path file = Files.writeString(temp.resolve("fresh.txt"), "aaaa");

    DatasetVersion.of("d", file, cache);
    Files.writeString(file, "bbbb");
    DatasetVersion again = DatasetVersion.of("d", file, cache);

    assertThat(again.digest()).isEqualTo(sha256("bbbb".getBytes(UTF_8)));
    assertThat(cache.hits()).isZero();
    assertThat(cache.misses()).isEqualTo(2);
  }

  @Test
  void digestCache_factories() {
    assertThat(DigestCache.shared()).isSameAs(DigestCache.shared());
    assertThatThrownBy(() -> DigestCache.create(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void escapingNames_areRejected() throws IOException {
    Path file = Files.writeString(temp.resolve("data.csv"), "a\n");

    for (String bad : List.of("../x", "/abs", "a\0b", "", "a/./b", "a\\b")) {
      assertThatThrownBy(() -> DatasetVersion.of(bad, file, cache))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("dataset name \"");
    }
    assertThatThrownBy(() -> DatasetVersion.of("../x", file, cache))
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> DatasetVersion.of("/abs", file, cache))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> DatasetVersion.of("a\0b", file, cache))
        .hasMessageContaining("\"a\\0b\"")
        .hasMessageContaining("control character");
  }

  @Test
  void constructor_validates() {
    assertThat(new DatasetVersion("d", HELLO_SHA256, 0, 0, null, "").rowCount()).isNull();
    assertThatThrownBy(() -> new DatasetVersion("../d", HELLO_SHA256, 0, 0, 0L, "s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatasetVersion("d", "abc", 0, 0, 0L, "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lowercase hex");
    assertThatThrownBy(
            () -> new DatasetVersion("d", HELLO_SHA256.toUpperCase(Locale.ROOT), 0, 0, 0L, "s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatasetVersion("d", HELLO_SHA256, -1, 0, 0L, "s"))
        .hasMessageContaining("sizeBytes");
    assertThatThrownBy(() -> new DatasetVersion("d", HELLO_SHA256, 0, -1, 0L, "s"))
        .hasMessageContaining("fileCount");
    assertThatThrownBy(() -> new DatasetVersion("d", HELLO_SHA256, 0, 0, -1L, "s"))
        .hasMessageContaining("rowCount");
  }

  /** Writes the fixture tree of {@link #FIXTURE_TREE_SHA256}, in either order. */
  static Path writeFixtureTree(Path dir, boolean reverse) throws IOException {
    Map<String, String> files = new TreeMap<>();
    files.put("a.txt", "alpha\n");
    files.put("B.txt", "bravo");
    files.put("sub/b.csv", "x,y\n1,2\n3,4\n");
    files.put("sub/deeper/c.jsonl", "{\"k\":1}\n{\"k\":2}");
    files.put("sub-x/d.dat", "delta");
    files.put(".hidden", "h\n");
    files.put("empty.tsv", "");
    List<String> names = new ArrayList<>(files.keySet());
    if (reverse) {
      Collections.reverse(names);
    }
    for (String name : names) {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, files.get(name));
    }
    return dir;
  }

  private static Clock clockAhead(Duration ahead) {
    return Clock.fixed(Instant.now().plus(ahead), ZoneOffset.UTC);
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
