package io.github.mlops4j.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for tests: s3proxy with jclouds' filesystem blob store in a temporary
 * directory, in this JVM, on a free port of 127.0.0.1, checking AWS v2/v4 signatures against {@link
 * #ACCESS_KEY}/{@link #SECRET_KEY}. Register it with {@code @RegisterExtension static final
 * S3Server S3 = new S3Server();} (started before the class's tests, stopped after), or call {@link
 * #start()} and {@link #close()} directly (benchmarks, child processes). {@link #stop()} and {@link
 * #restart()} simulate an outage; the objects survive it, and the port stays the same.
 */
public final class S3Server implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  public static final String ACCESS_KEY = "mlops4j-test";
  public static final String SECRET_KEY = "mlops4j-test-secret";
  public static final String REGION = "us-east-1";

  private @Nullable Path dir;
  private @Nullable BlobStoreContext context;
  private @Nullable S3Proxy proxy;
  private int port;

  @Override
  public void beforeAll(ExtensionContext extension) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext extension) {
    close();
  }

  /** Starts the server on a free port with an empty blob store. */
  public synchronized S3Server start() {
    try {
      dir = Files.createTempDirectory("mlops4j-s3proxy-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    // By its metadata, not its name: a lookup by name loads every jclouds provider that s3proxy
    // registers, and the clients of the other backends are left out of the test class path.
    context =
        ContextBuilder.newBuilder(new FilesystemApiMetadata())
            .overrides(properties)
            .build(BlobStoreContext.class);
    port = 0;
    listen();
    return this;
  }

  private void listen() {
    BlobStoreContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("not started");
    }
    S3Proxy p =
        S3Proxy.builder()
            .blobStore(ctx.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .v4MaxNonChunkedRequestSize(1L << 30)
            .build();
    try {
      p.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start s3proxy on port " + port, e);
    }
    proxy = p;
    port = p.getPort();
  }

  /** Stops listening (an outage); objects are kept for {@link #restart()}. */
  public synchronized void stop() {
    S3Proxy p = proxy;
    proxy = null;
    if (p != null) {
      try {
        p.stop();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop s3proxy", e);
      }
    }
  }

  /** Listens again on the same port, with the objects stored before {@link #stop()}. */
  public synchronized void restart() {
    if (proxy == null) {
      listen();
    }
  }

  /** Stops the server and deletes its objects. */
  @Override
  public synchronized void close() {
    stop();
    BlobStoreContext ctx = context;
    context = null;
    if (ctx != null) {
      ctx.close();
    }
    Path d = dir;
    dir = null;
    if (d != null) {
      deleteTree(d);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Credentials the server accepts. */
  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A raw SDK client for this server (path-style, URL-connection HTTP client, one attempt). */
  public S3Client newClient() {
    return newClient(endpoint());
  }

  /** A raw SDK client for an endpoint in front of this server. */
  public static S3Client newClient(URI endpoint) {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** Creates {@code bucket} on the server. */
  public void createBucket(String bucket) {
    try (S3Client client = newClient()) {
      client.createBucket(r -> r.bucket(bucket));
    }
  }

  /** A store builder for {@code bucket} on this server, with these credentials. */
  public S3ArtifactStore.Builder storeBuilder(String bucket) {
    return S3ArtifactStore.builder()
        .bucket(bucket)
        .endpoint(endpoint())
        .region(REGION)
        .pathStyle(true)
        .credentials(credentials());
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: the directory is under the system's temporary directory.
    }
  }
}
