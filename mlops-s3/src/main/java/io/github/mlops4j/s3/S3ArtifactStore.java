package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.ArtifactCorruptedException;
import io.github.mlops4j.artifacts.ArtifactNotFoundException;
import io.github.mlops4j.artifacts.ArtifactObject;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreException;
import io.github.mlops4j.artifacts.StoredArtifact;
import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.artifacts.internal.VerifyingInputStream;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * An {@link ArtifactStore} in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW), so that every
 * replica of a service reads the same content-addressed objects.
 *
 * <p>Layout: the object with SHA-256 {@code ab…} is the key {@code <prefix>sha256/ab/<62 hex>}.
 * Keys are never overwritten with other content by this store: a key's content is the one its name
 * says, and every read checks that (see {@link #open(String)}). Each object carries its digest as
 * user metadata ({@code x-amz-meta-sha256}), so a key that was overwritten by someone else is not
 * taken for a stored copy.
 *
 * <p>Writes:
 *
 * <ul>
 *   <li>{@link #put(Path)} hashes the file first, then asks for the key (HEAD): an object of the
 *       same size carrying the same digest is reused without upload (and renewed with a CopyObject
 *       onto itself when its LastModified is over a minute old, for {@link #delete(String,
 *       Instant)}). A file of at most {@link Builder#multipartThreshold(long) the threshold} is
 *       read into memory once, and the bytes that were hashed are the bytes uploaded. A larger file
 *       of at most {@link Builder#singlePutLimit(long) the single-put limit} (default 1 GiB) is
 *       uploaded with one PutObject streamed from disk, and a file larger still in parts; either
 *       way it is hashed again as it is read for the upload. A changed file is never published: the
 *       single PUT's body withholds the file's last bytes until size and digest are checked and
 *       fails the request instead of completing it (each retry of the request reads the file anew
 *       from its start), and a multipart upload is aborted. Both passes over a file for a single
 *       PUT read it on a short-lived daemon thread, a bounded ring of four 1 MiB buffers ahead of
 *       the hash (first pass) or of the SDK (second pass, hashed on that thread), so that reading,
 *       hashing and sending overlap; the thread ends with its pass, and with the request's body
 *       stream when that is closed, interrupted or left unread for a minute. The server is not
 *       asked to check the digest ({@code x-amz-checksum-sha256}): not every S3-compatible server
 *       accepts the header (s3proxy answers 501), and the client's check holds everywhere.
 *   <li>{@link #put(InputStream)} does not know the digest until the end. Content up to the
 *       threshold is held in memory (in 1 MiB chunks, as it arrives) and put like a small file.
 *       Larger content is, by default, streamed as a multipart upload to a staging key {@code
 *       <prefix>tmp/<uuid>} while it is hashed, then copied on the server to its final key and the
 *       staging object is deleted; on any failure the multipart upload is aborted and the staging
 *       object deleted. Staging in the bucket needs no local disk and holds at most one part in
 *       memory. The alternative, spooling to a local temporary file while hashing and uploading by
 *       digest, was measured beside it ({@code S3ArtifactBenchmark}, docs/BENCHMARKS.md): for 200
 *       MB on s3proxy the two were within measurement error (7.0 s staged, 7.3 s spooled, raw
 *       {@code PutObject} 6.1 s), so the one that needs no local disk is the default and spooling
 *       is offered with {@link Builder#spoolDirectory(Path)} for servers whose copy rewrites the
 *       object slowly. A spooled stream is then uploaded like a file (one PutObject from the spool
 *       file up to the single-put limit, checked again as it is read). A server side copy of more
 *       than 5 GiB is done part by part ({@code UploadPartCopy}).
 *   <li>A process that dies mid-put leaves at most a staging object under {@code <prefix>tmp/} or
 *       an incomplete multipart upload (to a staging key, or to the final key for a file above the
 *       single-put limit or a copy above 5 GiB), never a readable partial object under a final key:
 *       remove them with a bucket lifecycle rule (docs/s3.md) or {@link
 *       #removeStagingObjects(Duration)}.
 * </ul>
 *
 * <p>Failures are retried by the SDK's standard retry strategy (exponential backoff with jitter, a
 * longer backoff on throttling such as {@code 503 SlowDown}, other 5xx and I/O errors), up to
 * {@link Builder#maxAttempts(int)} attempts; then they are {@link ArtifactStoreException} naming
 * the {@code s3://} URI of the object and the operation.
 *
 * <p>Instances are immutable and safe to share between threads; {@link #close()} closes the S3
 * client if this store built it.
 *
 * @since 0.1.0
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {
  /** The smallest part S3 accepts for every part but the last. */
  public static final long MIN_PART_SIZE = 5L << 20;

  /** The largest part, and the largest object one CopyObject copies. */
  static final long MAX_PART_SIZE = 5L << 30;

  /** The largest object one PutObject uploads. */
  static final long MAX_SINGLE_PUT = 5L << 30;

  /** The default {@link Builder#singlePutLimit(long)}. */
  static final long DEFAULT_SINGLE_PUT_LIMIT = 1L << 30;

  /**
   * The smallest age {@link #removeStagingObjects(Duration)} accepts: a younger upload may be a put
   * of another replica that is still running.
   */
  public static final Duration MIN_STAGING_AGE = Duration.ofMinutes(15);

  static final String OBJECTS = "sha256/";
  static final String STAGING = "tmp/";
  static final String DIGEST_METADATA = "sha256";

  /**
   * A put of content already stored renews the object (a CopyObject onto itself) only when its
   * LastModified is older than this by the store's clock.
   */
  static final Duration RENEW_AFTER = Duration.ofMinutes(1);

  /** S3 keeps LastModified to the second: an object's true time is up to this much later. */
  static final Duration TIME_PRECISION = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactStore.class);
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX_CHARS = Pattern.compile("[A-Za-z0-9!_.*'()/=+-]*");
  private static final int MAX_PREFIX = 512;
  private static final String OCTET_STREAM = "application/octet-stream";
  private static final Pattern STAGING_NAME =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern OBJECT_NAME = Pattern.compile("[0-9a-f]{2}/[0-9a-f]{62}");

  private final S3Client client;
  private final boolean ownsClient;
  private final String bucket;
  private final String prefix;
  private final @Nullable URI endpoint;
  private final @Nullable String region;
  private final boolean pathStyle;
  private final long threshold;
  private final long singlePutLimit;
  private final long partSize;
  private final long maxCopySize;
  private final boolean readOnly;
  private final @Nullable Path spoolDirectory;
  private final Clock clock;
  private final @Nullable ServerSideEncryption sse;
  private final @Nullable String kmsKeyId;
  private final Consumer<Path> afterHashing;

  private S3ArtifactStore(Builder b, S3Client client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = Objects.requireNonNull(b.bucket);
    this.prefix = b.prefix;
    this.pathStyle = b.pathStyle;
    this.threshold = b.threshold;
    this.singlePutLimit = b.singlePutLimit;
    this.partSize = b.partSize;
    this.maxCopySize = b.maxCopySize;
    this.readOnly = b.readOnly;
    this.spoolDirectory = b.spoolDirectory;
    this.clock = b.clock;
    this.sse = b.sse;
    this.kmsKeyId = b.kmsKeyId;
    this.afterHashing = b.afterHashing;
    URI end = b.endpoint;
    String reg = b.region;
    if (!ownsClient) {
      S3ServiceClientConfiguration conf = client.serviceClientConfiguration();
      if (end == null) {
        // Checked by Builder.client: no user info or path can reach location().
        end = conf.endpointOverride().map(Builder::checkEndpoint).orElse(null);
      }
      if (reg == null && conf.region() != null) {
        reg = conf.region().id();
      }
    }
    this.endpoint = end;
    this.region = reg;
  }

  /** A builder; {@link Builder#bucket(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public StoredArtifact put(Path file) {
    Objects.requireNonNull(file, "file");
    checkWritable();
    String source = "file " + PathNames.quote(file.toString());
    HeldContent small = readSmallFile(file, source);
    if (small != null) {
      return putHeld(small, Sha256.newDigest());
    }
    Hashed hashed = hashFile(file, source);
    afterHashing.accept(file);
    String key = objectKey(hashed.digest);
    if (!storedCopy(key, hashed.digest, hashed.size)) {
      uploadFile(file, key, hashed.digest, hashed.size, source);
    }
    return new StoredArtifact(hashed.digest, hashed.size);
  }

  @Override
  public StoredArtifact put(InputStream in) {
    Objects.requireNonNull(in, "in");
    checkWritable();
    MessageDigest md = Sha256.newDigest();
    HeldContent first;
    try {
      first = HeldContent.read(in, threshold + 1); // grows with the content, not the limit
    } catch (IOException e) {
      throw unreadable(e);
    }
    if (first.size() <= threshold) {
      return putHeld(first, md);
    }
    InputStream all = new SequenceInputStream(first.stream(), in);
    Path spool = spoolDirectory;
    return spool != null ? putSpooled(all, spool) : putStaged(all, md);
  }

  /** Hashes content held in memory and uploads those same bytes unless its key holds them. */
  private StoredArtifact putHeld(HeldContent content, MessageDigest md) {
    content.update(md);
    String digest = Sha256.hex(md.digest());
    String key = objectKey(digest);
    long size = content.size();
    if (!storedCopy(key, digest, size)) {
      putObject(key, digest, RequestBody.fromContentProvider(content::stream, size, OCTET_STREAM));
    }
    return new StoredArtifact(digest, size);
  }

  @Override
  public boolean contains(String digest) {
    String key = objectKey(checkDigest(digest));
    return head(key, "check for").isPresent();
  }

  /**
   * Opens the object {@code digest} with one GetObject request; the stream hashes what it reads and
   * throws {@link ArtifactCorruptedException} at the end if the content does not match its name.
   * Transport failures while reading are {@link java.io.IOException}s of the stream.
   */
  @Override
  public InputStream open(String digest) {
    String key = objectKey(checkDigest(digest));
    InputStream in;
    try {
      in = client.getObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      if (isNotFound(e)) {
        throw new ArtifactNotFoundException(digest, uri(key));
      }
      throw failure("read", key, e);
    }
    return new VerifyingInputStream(in, digest, uri(key));
  }

  @Override
  public void verify(String digest) {
    String key = objectKey(checkDigest(digest));
    try (InputStream in = open(digest)) {
      in.transferTo(OutputStreamSink.INSTANCE);
    } catch (IOException e) {
      throw failure("verify", key, e);
    }
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * {@code s3://bucket/prefix/}, with the settings that identify the store besides bucket and
   * prefix as query parameters in name order: {@code endpoint} (when not AWS's own), {@code
   * pathStyle=true} (when set) and {@code region} (when known). Never credentials. {@link
   * S3ArtifactStoreProvider} opens a store from exactly this string.
   */
  @Override
  public String location() {
    Map<String, String> query = new TreeMap<>();
    if (endpoint != null) {
      query.put("endpoint", endpoint.toString());
    }
    if (pathStyle) {
      query.put("pathStyle", "true");
    }
    if (region != null) {
      query.put("region", region);
    }
    StringBuilder out = new StringBuilder("s3://").append(bucket).append('/').append(prefix);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      out.append(sep)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return out.toString();
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix, empty or ending in {@code /}. */
  public String prefix() {
    return prefix;
  }

  /** The key of the object {@code digest}: {@code <prefix>sha256/<2 hex>/<62 hex>}. */
  public String key(String digest) {
    return objectKey(checkDigest(digest));
  }

  /**
   * Removes what interrupted puts left: staging objects {@code <prefix>tmp/<uuid>} and incomplete
   * multipart uploads to a staging key or to an object key {@code <prefix>sha256/…} (a put of a
   * file above the single-put limit or a copy above 5 GiB uploads to the final key; an incomplete
   * upload is never a readable object), started more than {@code olderThan} ago by the store's
   * clock. Nothing else is touched, even with an empty prefix: other keys and other applications'
   * uploads in the bucket are left alone.
   *
   * <p>Every replica sharing the prefix has its puts in the same place: a put still running is
   * aborted if it started more than {@code olderThan} ago. Choose an age longer than the longest
   * put; below {@link #MIN_STAGING_AGE} is refused. A bucket lifecycle rule does the same without a
   * process (docs/s3.md).
   *
   * @return how many objects and uploads were removed
   * @throws ArtifactStoreException if listing or deleting fails
   * @throws IllegalStateException if the store is read-only
   * @throws IllegalArgumentException if {@code olderThan} is below {@link #MIN_STAGING_AGE}
   */
  public int removeStagingObjects(Duration olderThan) {
    Objects.requireNonNull(olderThan, "olderThan");
    checkWritable();
    Checks.atLeast(olderThan, MIN_STAGING_AGE, "olderThan");
    Instant cutoff = clock.instant().minus(olderThan);
    String staging = prefix + STAGING;
    int removed = 0;
    try {
      ListObjectsV2Request list =
          ListObjectsV2Request.builder().bucket(bucket).prefix(staging).build();
      for (S3Object o : client.listObjectsV2Paginator(list).contents()) {
        if (isStagingKey(o.key()) && o.lastModified().isBefore(cutoff)) {
          client.deleteObject(r -> r.bucket(bucket).key(o.key()));
          removed++;
        }
      }
      for (MultipartUpload upload :
          client.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix)).uploads()) {
        boolean ours = isStagingKey(upload.key()) || isObjectKey(upload.key());
        if (ours && upload.initiated().isBefore(cutoff)) {
          client.abortMultipartUpload(
              r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
          removed++;
        }
      }
    } catch (SdkException e) {
      throw failure("remove staging objects and incomplete uploads under", prefix, e);
    }
    if (removed > 0) {
      LOG.info(
          "removed {} staging object(s) and incomplete upload(s) left by interrupted puts in {}",
          removed,
          location());
    }
    return removed;
  }

  /** Whether {@code key} is {@code <prefix>tmp/<uuid>}, a name this store gives staging objects. */
  private boolean isStagingKey(String key) {
    return key.startsWith(prefix)
        && key.startsWith(STAGING, prefix.length())
        && STAGING_NAME
            .matcher(key)
            .region(prefix.length() + STAGING.length(), key.length())
            .matches();
  }

  /**
   * Whether {@code key} is {@code <prefix>sha256/<2 hex>/<62 hex>}, an object key of this store.
   */
  private boolean isObjectKey(String key) {
    return key.startsWith(prefix)
        && key.startsWith(OBJECTS, prefix.length())
        && OBJECT_NAME
            .matcher(key)
            .region(prefix.length() + OBJECTS.length(), key.length())
            .matches();
  }

  /**
   * Every object under {@code <prefix>sha256/}, read lazily page by page (one ListObjectsV2 request
   * per 1000 keys), with its size and S3 LastModified. Other keys are skipped.
   *
   * @throws ArtifactStoreException if a listing request fails (also while the stream is read)
   */
  @Override
  public Stream<ArtifactObject> list() {
    String objects = prefix + OBJECTS;
    Iterator<S3Object> pages;
    try {
      pages =
          client
              .listObjectsV2Paginator(r -> r.bucket(bucket).prefix(objects))
              .contents()
              .iterator();
    } catch (SdkException e) {
      throw failure("list the objects under", objects, e);
    }
    Iterator<S3Object> guarded =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            try {
              return pages.hasNext();
            } catch (SdkException e) {
              throw failure("list the objects under", objects, e);
            }
          }

          @Override
          public S3Object next() {
            try {
              return pages.next();
            } catch (SdkException e) {
              throw failure("list the objects under", objects, e);
            }
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(guarded, Spliterator.NONNULL), false)
        .filter(o -> isObjectKey(o.key()))
        .map(this::describe);
  }

  private ArtifactObject describe(S3Object o) {
    String name = o.key().substring(prefix.length() + OBJECTS.length());
    Instant modified = o.lastModified();
    Long size = o.size();
    return new ArtifactObject(
        name.substring(0, 2) + name.substring(3),
        size == null ? 0 : size,
        modified == null ? clock.instant() : modified); // no time: looks new, so it is kept
  }

  /**
   * Deletes the object unless its LastModified shows it was stored or renewed at or after {@code
   * unchangedSince}. S3 keeps LastModified to the second, so an object is deleted only when its
   * LastModified plus one second is not after {@code unchangedSince}.
   *
   * <p>S3's DeleteObject has no condition on the modification time for general purpose buckets, so
   * this is a HeadObject followed by a DeleteObject, and the check and the deletion are not one
   * step: a put of the same content whose renewal (a CopyObject onto the object) completes after
   * the HeadObject and before the DeleteObject returns success while its object is deleted. The
   * window is one request's round trip, and only content that is stored again exactly while a
   * collector deletes it, after it stayed unchanged for the whole grace period, is exposed. A put
   * whose check comes after the DeleteObject, or whose renewal comes after it, stores its own copy.
   * The times compared are the server's LastModified and the caller's {@code unchangedSince}:
   * clocks that disagree by more than the grace period defeat the check.
   *
   * @throws ArtifactStoreException if a request fails
   * @throws IllegalStateException if the store is read-only
   */
  @Override
  public boolean delete(String digest, Instant unchangedSince) {
    Objects.requireNonNull(unchangedSince, "unchangedSince");
    String key = objectKey(checkDigest(digest));
    checkWritable();
    HeadObjectResponse head = head(key, "check before deleting").orElse(null);
    if (head == null) {
      return false;
    }
    Instant modified = head.lastModified();
    if (modified == null || modified.plus(TIME_PRECISION).isAfter(unchangedSince)) {
      return false;
    }
    try {
      client.deleteObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
    return true;
  }

  /** Closes the S3 client if this store built it; a client given to the builder stays open. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "S3ArtifactStore[" + location() + "]";
  }

  // ---- writing ----

  private record Hashed(String digest, long size) {}

  /** Hashes the file, its reads done ahead on another thread ({@link ReadAheadFile}). */
  private static Hashed hashFile(Path file, String source) {
    MessageDigest md = Sha256.newDigest();
    long size = 0;
    try (ReadAheadFile in = ReadAheadFile.plain(file)) {
      ReadAheadFile.Chunk chunk;
      while ((chunk = in.next()) != null) {
        md.update(chunk.bytes(), 0, chunk.length());
        size += chunk.length();
        in.release(chunk);
      }
    } catch (IOException e) {
      restoreInterrupt(e);
      throw new ArtifactStoreException(
          "cannot read the " + source + " to store: " + e, file.toString(), e);
    }
    return new Hashed(Sha256.hex(md.digest()), size);
  }

  /** Whether {@code key} holds an object of {@code size} bytes that this store wrote for it. */
  private boolean storedCopy(String key, String digest, long size) {
    HeadObjectResponse head = head(key, "check for").orElse(null);
    if (head == null) {
      return false;
    }
    boolean same =
        head.contentLength() != null
            && head.contentLength() == size
            && digest.equals(head.metadata().get(DIGEST_METADATA));
    if (!same) {
      LOG.warn(
          "replacing {}: it holds {} bytes without this store's digest, not the {} bytes named by"
              + " its key",
          uri(key),
          head.contentLength(),
          size);
      return false;
    }
    return renew(key, digest, size, head);
  }

  /**
   * Copies an intact object onto itself when its LastModified is older than {@link #RENEW_AFTER},
   * so that a collector that looked at it before this put keeps it. Returns false when the object
   * is gone meanwhile (a collector deleted it): the caller then uploads its own copy.
   */
  private boolean renew(String key, String digest, long size, HeadObjectResponse head) {
    Instant modified = head.lastModified();
    if (modified == null || !modified.isBefore(clock.instant().minus(RENEW_AFTER))) {
      return true;
    }
    try {
      copy(key, key, digest, size);
      return true;
    } catch (ArtifactStoreException e) {
      if (e.getCause() instanceof SdkException s && isNotFound(s)) {
        return false;
      }
      throw e;
    }
  }

  private Optional<HeadObjectResponse> head(String key, String operation) {
    try {
      return Optional.of(client.headObject(r -> r.bucket(bucket).key(key)));
    } catch (SdkException e) {
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw failure(operation, key, e);
    }
  }

  private void putObject(String key, String digest, RequestBody body) {
    try {
      client.putObject(
          r ->
              r.bucket(bucket)
                  .key(key)
                  .contentLength(body.optionalContentLength().orElseThrow())
                  .metadata(digestMeta(digest))
                  .serverSideEncryption(sse)
                  .ssekmsKeyId(kmsKeyId),
          body);
    } catch (SdkException e) {
      throw failure("upload", key, e);
    }
  }

  /**
   * Uploads a file whose digest is known, checking on the way that it did not change: one PutObject
   * streamed from the file up to {@link Builder#singlePutLimit(long)}, else a multipart upload.
   */
  private void uploadFile(Path file, String key, String digest, long size, String source) {
    if (size > singlePutLimit) {
      uploadParts(file, key, digest, size, source);
      return;
    }
    RequestBody body = VerifiedFileBody.of(file, digest, size, OCTET_STREAM);
    try {
      putObject(key, digest, body);
    } catch (ArtifactStoreException e) {
      Throwable cause = e.getCause();
      if (cause != null && causedByChange(cause)) {
        throw changed(file, key, cause);
      }
      throw e;
    }
  }

  private static boolean causedByChange(Throwable e) {
    for (@Nullable Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof VerifiedFileBody.ContentChangedException) {
        return true;
      }
    }
    return false;
  }

  /** A multipart upload of a file whose digest is known, hashed again on the way. */
  private void uploadParts(Path file, String key, String digest, long size, String source) {
    MessageDigest md = Sha256.newDigest();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Multipart upload = new Multipart(key, digestMeta(digest));
      try {
        ByteBuffer part = ByteBuffer.allocate((int) partSize);
        long done = 0;
        while (true) {
          part.clear();
          while (part.hasRemaining() && ch.read(part) >= 0) {
            // fill the part
          }
          part.flip();
          if (!part.hasRemaining() && done > 0) {
            break;
          }
          md.update(part.array(), 0, part.limit());
          done += part.limit();
          upload.part(part.array(), part.limit());
          if (part.limit() < part.capacity()) {
            break;
          }
        }
        if (done != size || !Sha256.hex(md.digest()).equals(digest)) {
          throw changed(file, key, new IOException("content changed during upload"));
        }
        upload.complete();
      } catch (RuntimeException | Error e) {
        upload.abort(e);
        throw e;
      }
    } catch (IOException e) {
      restoreInterrupt(e);
      throw new ArtifactStoreException(
          "cannot read the " + source + " to store: " + e, file.toString(), e);
    }
  }

  /**
   * The file's content when it is at most the threshold long (read once, into memory), else null:
   * the file is then hashed and uploaded in parts from disk.
   */
  private @Nullable HeldContent readSmallFile(Path file, String source) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > threshold) {
        return null;
      }
      HeldContent content = HeldContent.read(Channels.newInputStream(ch), threshold + 1);
      return content.size() <= threshold ? content : null; // grew meanwhile
    } catch (IOException e) {
      restoreInterrupt(e);
      throw new ArtifactStoreException(
          "cannot read the " + source + " to store: " + e, file.toString(), e);
    }
  }

  private ArtifactStoreException changed(Path file, String key, Throwable cause) {
    return new ArtifactStoreException(
        "the file "
            + PathNames.quote(file.toString())
            + " changed while it was uploaded to "
            + uri(key)
            + "; nothing was stored: put it again once it no longer changes",
        uri(key),
        cause);
  }

  /** Large stream: multipart upload to a staging key while hashing, then a server-side copy. */
  private StoredArtifact putStaged(InputStream all, MessageDigest md) {
    String staging = prefix + STAGING + UUID.randomUUID();
    Multipart upload = new Multipart(staging, Map.of());
    boolean uploaded = false;
    try {
      byte[] buffer = new byte[(int) partSize];
      long size = 0;
      int n;
      while ((n = read(all, buffer)) > 0) {
        md.update(buffer, 0, n);
        size += n;
        upload.part(buffer, n);
      }
      upload.complete();
      uploaded = true;
      String digest = Sha256.hex(md.digest());
      String key = objectKey(digest);
      if (!storedCopy(key, digest, size)) {
        copy(staging, key, digest, size);
      }
      deleteStaging(staging, null);
      return new StoredArtifact(digest, size);
    } catch (RuntimeException | Error e) {
      if (!uploaded) {
        upload.abort(e);
      }
      deleteStaging(staging, e);
      throw e;
    }
  }

  /** Stream spooled to a local temporary file while hashing, then uploaded by digest. */
  private StoredArtifact putSpooled(InputStream in, Path dir) {
    Path temp;
    try {
      temp = Files.createTempFile(dir, ".mlops4j-s3-", ".tmp");
    } catch (IOException e) {
      throw new ArtifactStoreException(
          "cannot create a spool file in " + dir + ": " + e, dir.toString(), e);
    }
    try {
      MessageDigest md = Sha256.newDigest();
      long size = 0;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = read(in, buffer)) > 0) {
          md.update(buffer, 0, n);
          ByteBuffer view = ByteBuffer.wrap(buffer, 0, n);
          while (view.hasRemaining()) {
            out.write(view);
          }
          size += n;
        }
      } catch (IOException e) {
        restoreInterrupt(e);
        throw new ArtifactStoreException(
            "cannot write the spool file " + temp + ": " + e, temp.toString(), e);
      }
      String digest = Sha256.hex(md.digest());
      String key = objectKey(digest);
      if (!storedCopy(key, digest, size)) {
        uploadFile(temp, key, digest, size, "spool file " + temp);
      }
      return new StoredArtifact(digest, size);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.warn("cannot delete the spool file {}: {}", temp, e.toString());
      }
    }
  }

  private void copy(String staging, String key, String digest, long size) {
    try {
      if (size <= maxCopySize) {
        client.copyObject(
            r ->
                r.sourceBucket(bucket)
                    .sourceKey(staging)
                    .destinationBucket(bucket)
                    .destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE)
                    .metadata(digestMeta(digest))
                    .serverSideEncryption(sse)
                    .ssekmsKeyId(kmsKeyId));
        return;
      }
    } catch (SdkException e) {
      throw failure("copy the staging object " + uri(staging) + " to", key, e);
    }
    // Larger than one CopyObject may copy: a multipart upload whose parts are copied ranges.
    Multipart upload = new Multipart(key, digestMeta(digest));
    try {
      for (long off = 0; off < size; off += maxCopySize) {
        long end = Math.min(size, off + maxCopySize) - 1;
        upload.copyPart(staging, off, end);
      }
      upload.complete();
    } catch (RuntimeException | Error e) {
      upload.abort(e);
      throw e;
    }
  }

  private void deleteStaging(String staging, @Nullable Throwable primary) {
    boolean interrupted = Thread.interrupted(); // the SDK sends nothing on an interrupted thread
    try {
      client.deleteObject(r -> r.bucket(bucket).key(staging));
    } catch (SdkException e) {
      if (primary != null) {
        primary.addSuppressed(e);
      } else {
        LOG.warn(
            "cannot delete the staging object {} (a lifecycle rule or removeStagingObjects will): {}",
            uri(staging),
            e.toString());
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One multipart upload; parts are numbered from 1. */
  private final class Multipart {
    private final String key;
    private final String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();

    Multipart(String key, Map<String, String> metadata) {
      this.key = key;
      try {
        this.uploadId =
            client
                .createMultipartUpload(
                    r ->
                        r.bucket(bucket)
                            .key(key)
                            .metadata(metadata)
                            .serverSideEncryption(sse)
                            .ssekmsKeyId(kmsKeyId))
                .uploadId();
      } catch (SdkException e) {
        throw failure("start a multipart upload to", key, e);
      }
    }

    void part(byte[] bytes, int length) {
      int number = parts.size() + 1;
      try {
        String etag =
            client
                .uploadPart(
                    r ->
                        r.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) length),
                    body(bytes, length))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      } catch (SdkException e) {
        throw failure("upload part " + number + " to", key, e);
      }
    }

    void copyPart(String source, long first, long last) {
      int number = parts.size() + 1;
      try {
        String etag =
            client
                .uploadPartCopy(
                    r ->
                        r.sourceBucket(bucket)
                            .sourceKey(source)
                            .destinationBucket(bucket)
                            .destinationKey(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .copySourceRange("bytes=" + first + "-" + last))
                .copyPartResult()
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      } catch (SdkException e) {
        throw failure("copy part " + number + " of " + uri(source) + " to", key, e);
      }
    }

    void complete() {
      try {
        client.completeMultipartUpload(
            r ->
                r.bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(List.copyOf(parts))));
      } catch (SdkException e) {
        throw failure("complete the multipart upload to", key, e);
      }
    }

    /**
     * Aborts the upload, also on an interrupted thread (whose interrupt is kept): the SDK sends
     * nothing while the flag is set, which would leave the parts stored.
     */
    void abort(Throwable primary) {
      boolean interrupted = Thread.interrupted();
      try {
        client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        primary.addSuppressed(e);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * A request body over the first {@code length} bytes of {@code bytes}, without copying them: each
   * attempt (a retry too) reads a fresh stream over the same array. {@code fromByteBuffer} would
   * copy every part.
   */
  private static RequestBody body(byte[] bytes, int length) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, OCTET_STREAM);
  }

  private static Map<String, String> digestMeta(String digest) {
    return Map.of(DIGEST_METADATA, digest);
  }

  private static ArtifactStoreException unreadable(IOException e) {
    restoreInterrupt(e);
    return new ArtifactStoreException(
        "cannot read the content to store from the input stream: " + e, "the input stream", e);
  }

  /** Reads until {@code buffer} is full or the stream ends; 0 at the end. */
  private static int read(InputStream in, byte[] buffer) {
    try {
      return in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private void checkWritable() {
    if (readOnly) {
      throw new IllegalStateException(
          "The artifact store " + location() + " is read-only; nothing can be stored through it");
    }
  }

  // ---- names and errors ----

  private String objectKey(String digest) {
    return prefix + OBJECTS + digest.substring(0, 2) + '/' + digest.substring(2);
  }

  private static String checkDigest(String digest) {
    Objects.requireNonNull(digest, "digest");
    if (!Sha256.isHex(digest)) {
      throw new IllegalArgumentException(
          "digest "
              + PathNames.quote(digest)
              + " is not a SHA-256 digest: expected 64 lowercase hex characters [0-9a-f]");
    }
    return digest;
  }

  /** The {@code s3://bucket/key} URI of a key, for messages. */
  String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  private static boolean isNotFound(SdkException e) {
    return e instanceof SdkServiceException s && s.statusCode() == 404;
  }

  private ArtifactStoreException failure(String operation, String key, Exception e) {
    String reason;
    if (e instanceof SdkServiceException s) {
      reason = "HTTP " + s.statusCode() + " " + PathNames.quote(String.valueOf(s.getMessage()));
    } else {
      reason = PathNames.quote(String.valueOf(e.getMessage()));
    }
    return new ArtifactStoreException(
        "cannot "
            + operation
            + " "
            + uri(key)
            + " (store "
            + location()
            + "): "
            + reason
            + "; check that the endpoint is reachable, the bucket exists and the credentials may"
            + " read and write it",
        uri(key),
        e);
  }

  private static void restoreInterrupt(IOException e) {
    if (e instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
    }
  }

  /** Discards what it is given, for reading a stream to its end. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  /**
   * Settings of an {@link S3ArtifactStore}. Either {@link #client(S3Client)} (a client the host
   * built and keeps) or the connection settings ({@link #endpoint(URI)}, {@link #region(String)},
   * {@link #pathStyle(boolean)}, {@link #credentials(AwsCredentialsProvider)}, {@link
   * #maxAttempts(int)}, {@link #retryBackoff(Duration, Duration)}) from which the store builds its
   * own client on the JDK's HTTP connection.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable String bucket;
    private String prefix = "";
    private @Nullable URI endpoint;
    private @Nullable String region;
    private boolean pathStyle;
    private @Nullable AwsCredentialsProvider credentials;
    private @Nullable S3Client client;
    private long threshold = 16L << 20;
    private long singlePutLimit = DEFAULT_SINGLE_PUT_LIMIT;
    private long partSize = 8L << 20;
    private long maxCopySize = MAX_PART_SIZE;
    private int maxAttempts = 5;
    private @Nullable Duration backoffBase;
    private @Nullable Duration backoffMax;
    private boolean readOnly;
    private @Nullable Path spoolDirectory;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private @Nullable ServerSideEncryption sse;
    private @Nullable String kmsKeyId;
    private boolean connectionSettings;
    private Consumer<Path> afterHashing = file -> {};

    private Builder() {}

    /**
     * The bucket (required): 3 to 63 lowercase letters, digits, {@code .}, {@code -}, {@code _}.
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!BUCKET.matcher(bucket).matches()) {
        throw new IllegalArgumentException(
            "bucket "
                + PathNames.quote(bucket)
                + " is not a bucket name: 3 to 63 characters [a-z0-9.-_], starting and ending"
                + " with a letter or digit");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * The key prefix under which the store keeps its objects, for example {@code models/}; a
     * missing trailing {@code /} is added. Empty (the default) uses the bucket's root. Letters,
     * digits and {@code !_.*'()/=+-}, at most 512 characters, no empty or {@code .}/{@code ..}
     * segment and no leading {@code /}.
     */
    public Builder prefix(String prefix) {
      this.prefix = checkPrefix(Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /**
     * The endpoint for a server other than AWS S3, for example {@code http://minio:9000} (no path,
     * query or user info). Without it the SDK picks AWS's endpoint for the region.
     */
    public Builder endpoint(URI endpoint) {
      this.endpoint = checkEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
      connectionSettings = true;
      return this;
    }

    /**
     * The region, for example {@code eu-west-1}. Without it: {@code us-east-1} when an endpoint is
     * set (what MinIO and Ceph expect by default), else the SDK's region chain ({@code AWS_REGION},
     * profile, instance metadata).
     */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (!region.matches("[a-z0-9][a-z0-9-]{0,62}")) {
        throw new IllegalArgumentException(
            "region " + PathNames.quote(region) + " is not a region name such as eu-west-1");
      }
      this.region = region;
      connectionSettings = true;
      return this;
    }

    /**
     * Path-style requests ({@code endpoint/bucket/key}) instead of virtual-hosted ones ({@code
     * bucket.endpoint/key}); most MinIO and Ceph installations need it. Default false.
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * The credentials; default: the SDK's default chain (environment, profile, container, IMDS).
     */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      connectionSettings = true;
      return this;
    }

    /**
     * A client the host built (with its own HTTP client, credentials, retries); the store uses it
     * as it is and does not close it. Excludes the connection settings except {@link
     * #pathStyle(boolean)}, which only names the store in its {@link S3ArtifactStore#location()
     * location}; endpoint and region are read from the client's configuration.
     *
     * @throws IllegalArgumentException if the client's endpoint override has user info, a path, a
     *     query or a scheme other than http(s): it would appear in the store's location
     */
    public Builder client(S3Client client) {
      Objects.requireNonNull(client, "client");
      URI override = client.serviceClientConfiguration().endpointOverride().orElse(null);
      if (override != null) {
        try {
          checkEndpoint(override);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "S3ArtifactStore.Builder: the client's endpoint override "
                  + PathNames.quote(withoutUserInfo(override))
                  + " is not an http(s)://host[:port] URI without path, query or user info; the"
                  + " store names its location by it. Build the client with such an endpoint",
              e);
        }
      }
      this.client = client;
      return this;
    }

    /**
     * Content of at most this many bytes is read into memory, hashed and sent with one PutObject
     * (default 16 MiB, 0 to 2 GiB). Larger content is sent from disk with one PutObject up to
     * {@link #singlePutLimit(long)} when it is a file or a spooled stream, and otherwise uploaded
     * in parts of {@link #partSize(long)}. Up to this many bytes of a stream are held in memory
     * before the store knows which.
     */
    public Builder multipartThreshold(long bytes) {
      this.threshold = Checks.inRange(bytes, 0, Integer.MAX_VALUE - 16, "multipartThreshold");
      return this;
    }

    /**
     * Content on disk (a file given to {@link S3ArtifactStore#put(Path)}, a stream spooled to
     * {@link #spoolDirectory(Path)}) larger than {@link #multipartThreshold(long)} and at most this
     * long is uploaded with one PutObject streamed from the file, never held in memory; larger
     * content is uploaded in parts. 0 to 5 GiB (S3's limit for one PUT); default 1 GiB.
     *
     * <p>One request is the fastest upload where the server writes parts and then joins them
     * (s3proxy's filesystem store), and it saves the multipart protocol's extra requests elsewhere.
     * The default stops at 1 GiB because a request that fails is sent again from its first byte:
     * above it, parts are retried one at a time. The file is hashed before the upload (its digest
     * names the key) and again while it is sent, by a reading thread of the request's own a few
     * buffers ahead of the SDK; the file's last bytes reach the SDK only after size and digest
     * matched, so a changed file fails the request, the server never receives a complete body and
     * nothing is stored.
     */
    public Builder singlePutLimit(long bytes) {
      this.singlePutLimit = Checks.inRange(bytes, 0, MAX_SINGLE_PUT, "singlePutLimit");
      return this;
    }

    /** For tests: called after {@link S3ArtifactStore#put(Path)} hashed the file. */
    Builder afterHashing(Consumer<Path> hook) {
      this.afterHashing = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * The size of each part of a multipart upload, 5 MiB (S3's minimum) to 1 GiB; default 8 MiB.
     */
    public Builder partSize(long bytes) {
      this.partSize = Checks.inRange(bytes, MIN_PART_SIZE, 1L << 30, "partSize");
      return this;
    }

    /** For tests: the largest object one CopyObject copies (S3: 5 GiB). */
    Builder maxCopySize(long bytes) {
      this.maxCopySize = Checks.inRange(bytes, MIN_PART_SIZE, MAX_PART_SIZE, "maxCopySize");
      return this;
    }

    /**
     * How many times one request is tried (1 to 20, default 5) before the failure is reported.
     * Throttling ({@code 503 SlowDown}), other 5xx answers and I/O errors are retried.
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = Checks.inRange(maxAttempts, 1, 20, "maxAttempts");
      connectionSettings = true;
      return this;
    }

    /**
     * The exponential backoff between attempts, with jitter, from {@code base} up to {@code max},
     * for throttling and other failures alike. Default: the SDK's (100 ms for errors, 1 s for
     * throttling, up to 20 s).
     */
    public Builder retryBackoff(Duration base, Duration max) {
      Checks.positive(Objects.requireNonNull(base, "base"), "base");
      Checks.atLeast(Objects.requireNonNull(max, "max"), base, "max");
      this.backoffBase = base;
      this.backoffMax = max;
      connectionSettings = true;
      return this;
    }

    /** Connect timeout (default 10 s) and read timeout (default 60 s) of each HTTP request. */
    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = Checks.positive(Objects.requireNonNull(connect, "connect"), "connect");
      this.socketTimeout = Checks.positive(Objects.requireNonNull(read, "read"), "read");
      connectionSettings = true;
      return this;
    }

    /** Refuse puts (default false): for services that only read models. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Spool streams larger than the multipart threshold to a temporary file in {@code directory}
     * and upload them by digest, instead of staging them in the bucket and copying on the server.
     * Faster where a server-side copy costs a full rewrite (s3proxy, some Ceph setups); needs local
     * disk as large as the largest artifact. Default: staging in the bucket.
     */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Asks S3 to encrypt every object this store writes with keys S3 manages (SSE-S3, header {@code
     * x-amz-server-side-encryption: AES256}) on PutObject, CreateMultipartUpload and CopyObject.
     * Reads need no setting. Replaces {@link #serverSideEncryptionKms}. Default: none (the bucket's
     * default encryption applies). For encryption under keys the host holds, see {@code
     * EncryptedArtifactStore} in mlops-core and {@code docs/governance.md}.
     */
    public Builder serverSideEncryptionS3() {
      this.sse = ServerSideEncryption.AES256;
      this.kmsKeyId = null;
      return this;
    }

    /**
     * Asks S3 to encrypt every object this store writes with the KMS key {@code keyId} (SSE-KMS: a
     * key id, key ARN, alias ARN or {@code alias/name}) on PutObject, CreateMultipartUpload and
     * CopyObject; the credentials need {@code kms:GenerateDataKey} to write and {@code kms:Decrypt}
     * to read. Replaces {@link #serverSideEncryptionS3}.
     *
     * @throws IllegalArgumentException if {@code keyId} is blank or longer than 2048 characters
     */
    public Builder serverSideEncryptionKms(String keyId) {
      Objects.requireNonNull(keyId, "keyId");
      if (keyId.isBlank() || keyId.length() > 2048) {
        throw new IllegalArgumentException(
            "keyId " + PathNames.quote(keyId) + " must be 1 to 2048 non-blank characters");
      }
      this.sse = ServerSideEncryption.AWS_KMS;
      this.kmsKeyId = keyId;
      return this;
    }

    /** The clock that dates staging objects for {@link #removeStagingObjects}; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store, and its client unless one was given.
     *
     * @throws IllegalStateException if the bucket is missing, or a client was given together with
     *     connection settings
     */
    public S3ArtifactStore build() {
      if (bucket == null) {
        throw Checks.missing("S3ArtifactStore.Builder", "bucket", "bucket(name)");
      }
      S3Client given = client;
      if (given != null) {
        if (connectionSettings) {
          throw new IllegalStateException(
              "S3ArtifactStore.Builder: client(...) excludes endpoint, region, credentials,"
                  + " maxAttempts, retryBackoff and timeouts; configure them on the client");
        }
        return new S3ArtifactStore(this, given, false);
      }
      if (endpoint != null && region == null) {
        region = "us-east-1";
      }
      return new S3ArtifactStore(this, newClient(), true);
    }

    private S3Client newClient() {
      RetryStrategy.Builder<?, ?> retry =
          AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts);
      Duration base = backoffBase;
      Duration max = backoffMax;
      if (base != null && max != null) {
        retry.backoffStrategy(BackoffStrategy.exponentialDelay(base, max));
        retry.throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(base, max));
      }
      RetryStrategy strategy = retry.build();
      var b =
          S3Client.builder()
              .httpClientBuilder(
                  UrlConnectionHttpClient.builder()
                      .connectionTimeout(connectTimeout)
                      .socketTimeout(socketTimeout))
              .credentialsProvider(
                  credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
              .forcePathStyle(pathStyle)
              // Our own SHA-256 verifies every read; CRC trailers are not understood by every
              // S3-compatible server, so they are sent only where an operation requires them.
              .requestChecksumCalculation(
                  software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
              .responseChecksumValidation(
                  software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
              .overrideConfiguration(o -> o.retryStrategy(strategy));
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      if (region != null) {
        b.region(Region.of(region));
      }
      try {
        return b.build();
      } catch (SdkException e) {
        throw new ArtifactStoreException(
            "cannot build the S3 client for bucket "
                + bucket
                + ": "
                + PathNames.quote(String.valueOf(e.getMessage()))
                + "; set region(...) or AWS_REGION",
            "s3://" + bucket + "/" + prefix,
            e);
      }
    }

    static String checkPrefix(String prefix) {
      if (prefix.isEmpty()) {
        return prefix;
      }
      String p = prefix.endsWith("/") ? prefix : prefix + "/";
      String rule = null;
      if (p.length() > MAX_PREFIX) {
        rule = "is longer than " + MAX_PREFIX + " characters";
      } else if (!PREFIX_CHARS.matcher(p).matches()) {
        rule = "may hold only letters, digits and !_.*'()/=+-";
      } else if (p.startsWith("/")) {
        rule = "must not start with /";
      } else {
        for (String segment : p.substring(0, p.length() - 1).split("/", -1)) {
          if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            rule = "must not have an empty, . or .. segment";
            break;
          }
        }
      }
      if (rule != null) {
        throw new IllegalArgumentException("prefix " + PathNames.quote(prefix) + " " + rule);
      }
      return p;
    }

    static URI checkEndpoint(URI endpoint) {
      String scheme = endpoint.getScheme();
      boolean ok =
          ("http".equals(scheme) || "https".equals(scheme))
              && endpoint.getHost() != null
              && endpoint.getRawUserInfo() == null
              && endpoint.getRawQuery() == null
              && endpoint.getRawFragment() == null
              && (endpoint.getRawPath() == null
                  || endpoint.getRawPath().isEmpty()
                  || endpoint.getRawPath().equals("/"));
      if (!ok) {
        throw new IllegalArgumentException(
            "endpoint "
                + PathNames.quote(withoutUserInfo(endpoint))
                + " is not an http(s)://host[:port] URI without path, query or user info");
      }
      String s = endpoint.toString();
      return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : endpoint;
    }

    /** The URI for messages, with any user info (credentials) replaced by {@code ***}. */
    static String withoutUserInfo(URI uri) {
      String s = uri.toString();
      String info = uri.getRawUserInfo();
      return info == null ? s : s.replace(info + "@", "***@");
    }
  }
}
