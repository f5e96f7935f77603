package io.github.mlops4j.redis;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.OnlineStore;
import io.github.mlops4j.internal.Checks;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OnlineStore} in Redis, shared by the replicas of a service: give it to {@link
 * FeatureStore.Builder#onlineStore} in each of them.
 *
 * <pre>{@code
 * try (RedisOnlineStore online =
 *         RedisOnlineStore.builder().uri("redis://redis:6379").namespace("prod").build();
 *     FeatureStore features = FeatureStore.builder().dataSource(pg).onlineStore(online).build()) {
 *   features.materialize(Instant.now());
 * }
 * }</pre>
 *
 * <p><b>Layout.</b> Each (view, entity) is one Redis hash at {@code
 * <namespace>:<view>:<base64url(entity key)>} holding the newest materialized row: its event time,
 * created time and write sequence in field {@code o}, its values (the feature store's type-exact,
 * versioned encoding: doubles bit for bit, longs, strings, booleans and nulls) in field {@code v}.
 * Entity keys are encoded, so no key value (separators, unicode, megabytes) can reach another
 * entity's or view's hash. The namespace separates workspaces sharing one Redis.
 *
 * <p><b>Writes</b> go through a Lua script that replaces a hash only with a greater record by
 * (event time, created time, sequence), atomically per record, so concurrent writers in any process
 * keep the newest row and retried writes change nothing. A batch of records is one script call per
 * {@link Builder#batchSize} records, all sent before any answer is awaited; a call that meets a
 * hash in another format fails, and the records it wrote before that one stay written.
 *
 * <p><b>Reads</b> of one entity are one {@code HMGET}; of many, one script call per {@link
 * Builder#batchSize} keys, all sent at once: one round trip for a request of up to that many
 * entities.
 *
 * <p><b>TTL.</b> The feature store decides statuses itself from the stored times and its clock,
 * exactly as with the embedded store. In addition, a record of a view with a TTL expires in Redis
 * ({@code PEXPIREAT}) at {@code eventTime + ttl + keepExpiredFor} (Redis server time), so that
 * stale entities do not fill the server: until then a lookup reads {@code EXPIRED} with the event
 * time, as the embedded store does; after, {@code NOT_FOUND}. Records of views without TTL never
 * expire.
 *
 * <p><b>Failures.</b> An unreachable server, a refused command or a missed {@link Builder#timeout}
 * throws {@link RedisOnlineStoreException} naming the server, operation and view. While the server
 * is down, commands of a client this store created fail at once rather than queue (a {@link
 * Builder#client client} passed in keeps its own options); the connection comes back by itself when
 * the server does. The timeout applies to each script call. Standalone Redis (or a primary) only: a
 * read or write batch spans keys of many hash slots, which Redis Cluster refuses.
 *
 * <p>Thread-safe: all calls share one connection.
 *
 * @since 0.1.0
 */
public final class RedisOnlineStore implements OnlineStore {
  /*
   * KEYS: the hashes; ARGV: per key, its order, values and expiry (epoch ms, "0": none). Orders are
   * compared byte by byte (see RecordFormat): no Lua numbers, no locale-dependent string order.
   */
  private static final String WRITE_SCRIPT =
      "local n = 0\n"
          + "for i, key in ipairs(KEYS) do\n"
          + "  local o = ARGV[3 * i - 2]\n"
          + "  local cur = redis.call('HGET', key, 'o')\n"
          + "  local take = true\n"
          + "  if cur then\n"
          + "    if #cur ~= #o or string.byte(cur, 1) ~= string.byte(o, 1) then\n"
          + "      return redis.error_reply('MLOPS_FORMAT stored record in an unknown format')\n"
          + "    end\n"
          + "    take = false\n"
          + "    for b = 2, #o do\n"
          + "      local x, y = string.byte(o, b), string.byte(cur, b)\n"
          + "      if x ~= y then\n"
          + "        take = x > y\n"
          + "        break\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "  if take then\n"
          + "    redis.call('HSET', key, 'o', o, 'v', ARGV[3 * i - 1])\n"
          + "    local at = ARGV[3 * i]\n"
          + "    if at == '0' then\n"
          + "      redis.call('PERSIST', key)\n"
          + "    else\n"
          + "      redis.call('PEXPIREAT', key, at)\n"
          + "    end\n"
          + "    n = n + 1\n"
          + "  end\n"
          + "end\n"
          + "return n\n";

  private static final String READ_SCRIPT =
      "local out = {}\n"
          + "for i, key in ipairs(KEYS) do\n"
          + "  out[i] = redis.call('HMGET', key, 'o', 'v')\n"
          + "end\n"
          + "return out\n";

  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Year 9999: later expiries are treated as none. */
  private static final long LAST_EXPIRY_MILLIS = 253_402_300_799_999L;

  private static final byte[] NO_EXPIRY = {'0'};

  private final @Nullable RedisClient ownedClient;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final RedisAsyncCommands<byte[], byte[]> redis;
  private final String server;
  private final String namespace;
  private final long timeoutNanos;
  private final int batchSize;
  private final @Nullable Duration keepExpiredFor;
  private final String writeSha;
  private final String readSha;

  private RedisOnlineStore(Builder b, RedisURI uri) {
    this.server = uri.getHost() + ":" + uri.getPort();
    this.namespace = Objects.requireNonNull(b.namespace);
    this.timeoutNanos = b.timeout.toNanos();
    this.batchSize = b.batchSize;
    this.keepExpiredFor = b.expireKeys ? b.keepExpiredFor : null;
    RedisClient client = b.client;
    if (client == null) {
      client = RedisClient.create();
      client.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .build());
      this.ownedClient = client;
    } else {
      this.ownedClient = null;
    }
    try {
      this.connection = client.connect(ByteArrayCodec.INSTANCE, uri);
    } catch (RuntimeException e) {
      if (ownedClient != null) {
        ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      throw new RedisOnlineStoreException(
          server,
          "connect",
          null,
          0,
          "Cannot connect to the Redis online store at "
              + server
              + ": "
              + bounded(e.getMessage())
              + "; check that the server runs and the URI is right",
          e);
    }
    this.redis = connection.async();
    this.writeSha = redis.digest(WRITE_SCRIPT);
    this.readSha = redis.digest(READ_SCRIPT);
  }

  /** A new builder; {@link Builder#uri(String)} and {@link Builder#namespace} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The namespace of this store's keys. */
  public String namespace() {
    return namespace;
  }

  @Override
  public Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
    Objects.requireNonNull(view, "view");
    if (keys.isEmpty()) {
      return Map.of();
    }
    byte[] prefix = RecordFormat.prefix(namespace, view);
    List<EntityKey> unique = new ArrayList<>(new LinkedHashSet<>(keys));
    Map<EntityKey, OnlineRecord> out = new HashMap<>(unique.size() * 2);
    if (unique.size() == 1) {
      EntityKey k = unique.get(0);
      List<KeyValue<byte[], byte[]>> got =
          await(
              "read",
              view,
              1,
              redis.hmget(
                  RecordFormat.key(prefix, k),
                  RecordFormat.ORDER_FIELD,
                  RecordFormat.VALUES_FIELD));
      collect(view, k, got.get(0).getValueOrElse(null), got.get(1).getValueOrElse(null), out);
      return out;
    }
    List<List<EntityKey>> chunks = chunks(unique);
    List<byte[][]> chunkKeys = new ArrayList<>(chunks.size());
    for (List<EntityKey> chunk : chunks) {
      byte[][] k = new byte[chunk.size()][];
      for (int i = 0; i < k.length; i++) {
        k[i] = RecordFormat.key(prefix, chunk.get(i));
      }
      chunkKeys.add(k);
    }
    List<List<Object>> answers =
        runScript("read", view, unique.size(), readSha, READ_SCRIPT, chunkKeys, null);
    for (int c = 0; c < chunks.size(); c++) {
      List<EntityKey> chunk = chunks.get(c);
      List<Object> answer = answers.get(c);
      for (int i = 0; i < chunk.size(); i++) {
        List<?> fields = (List<?>) answer.get(i);
        collect(view, chunk.get(i), (byte[]) fields.get(0), (byte[]) fields.get(1), out);
      }
    }
    return out;
  }

  private void collect(
      String view,
      EntityKey key,
      byte @Nullable [] order,
      byte @Nullable [] values,
      Map<EntityKey, OnlineRecord> out) {
    if (order == null && values == null) {
      return;
    }
    try {
      if (order == null || values == null) {
        throw new IllegalStateException("lacks field " + (order == null ? "'o'" : "'v'"));
      }
      out.put(key, RecordFormat.record(key, order, values));
    } catch (IllegalStateException e) {
      throw new RedisOnlineStoreException(
          server,
          "read",
          view,
          1,
          "The Redis hash of entity "
              + bounded(key.toString())
              + " in view '"
              + view
              + "' (namespace '"
              + namespace
              + "') "
              + e.getMessage()
              + "; it was not written by this version of mlops-redis: use another namespace or"
              + " delete the key",
          e);
    }
  }

  /** Keeps each record unless Redis holds a newer or equal one; records never expire in Redis. */
  @Override
  public void write(String view, Collection<OnlineRecord> records) {
    write(view, records, Duration.ZERO);
  }

  /**
   * Keeps each record unless Redis holds a newer or equal one; a kept record of a view with a TTL
   * expires in Redis at {@code eventTime + ttl + keepExpiredFor}.
   */
  @Override
  public void write(String view, Collection<OnlineRecord> records, Duration ttl) {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(ttl, "ttl");
    Checks.notNegative(ttl, "ttl");
    if (records.isEmpty()) {
      return;
    }
    byte[] prefix = RecordFormat.prefix(namespace, view);
    List<OnlineRecord> list = List.copyOf(records);
    List<List<OnlineRecord>> chunks = chunks(list);
    List<byte[][]> chunkKeys = new ArrayList<>(chunks.size());
    List<byte[][]> chunkArgs = new ArrayList<>(chunks.size());
    for (List<OnlineRecord> chunk : chunks) {
      byte[][] k = new byte[chunk.size()][];
      byte[][] a = new byte[3 * chunk.size()][];
      for (int i = 0; i < k.length; i++) {
        OnlineRecord r = chunk.get(i);
        k[i] = RecordFormat.key(prefix, r.key());
        a[3 * i] = RecordFormat.order(r);
        a[3 * i + 1] = r.values();
        a[3 * i + 2] = expireAt(r, ttl);
      }
      chunkKeys.add(k);
      chunkArgs.add(a);
    }
    runScript("write", view, list.size(), writeSha, WRITE_SCRIPT, chunkKeys, chunkArgs);
  }

  /**
   * Deletes the hashes of {@code keys} in {@code view} ({@code DEL}, one command per batch): the
   * erasure of an entity. Deleting a key that holds nothing does nothing.
   */
  @Override
  public void delete(String view, Collection<EntityKey> keys) {
    Objects.requireNonNull(view, "view");
    if (keys.isEmpty()) {
      return;
    }
    byte[] prefix = RecordFormat.prefix(namespace, view);
    List<EntityKey> unique = new ArrayList<>(new LinkedHashSet<>(keys));
    List<RedisFuture<Long>> sent = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (List<EntityKey> chunk : chunks(unique)) {
      byte[][] k = new byte[chunk.size()][];
      for (int i = 0; i < k.length; i++) {
        k[i] = RecordFormat.key(prefix, chunk.get(i));
      }
      sent.add(redis.del(k));
      sizes.add(k.length);
    }
    for (int i = 0; i < sent.size(); i++) {
      await("delete", view, sizes.get(i), sent.get(i));
    }
  }

  private byte[] expireAt(OnlineRecord r, Duration ttl) {
    Duration keep = keepExpiredFor;
    if (ttl.isZero() || keep == null) {
      return NO_EXPIRY;
    }
    long at;
    try {
      at =
          Math.addExact(
              Math.addExact(r.eventTime().toEpochMilli(), ttl.toMillis()), keep.toMillis());
    } catch (ArithmeticException e) {
      return NO_EXPIRY;
    }
    // PEXPIREAT with a time already past deletes the key: the record could only read EXPIRED.
    return at > LAST_EXPIRY_MILLIS
        ? NO_EXPIRY
        : Long.toString(Math.max(at, 1)).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Sends one script call per chunk, all before awaiting any answer; on {@code NOSCRIPT} (a
   * restarted or flushed server) loads the script and sends the chunks again (both scripts are safe
   * to repeat).
   */
  private <T> List<T> runScript(
      String operation,
      String view,
      int keys,
      String sha,
      String script,
      List<byte[][]> chunkKeys,
      @Nullable List<byte[][]> chunkArgs) {
    ScriptOutputType type = chunkArgs == null ? ScriptOutputType.MULTI : ScriptOutputType.INTEGER;
    for (int attempt = 0; ; attempt++) {
      List<RedisFuture<T>> futures = new ArrayList<>(chunkKeys.size());
      for (int c = 0; c < chunkKeys.size(); c++) {
        byte[][] args = chunkArgs == null ? new byte[0][] : chunkArgs.get(c);
        futures.add(redis.evalsha(sha, type, chunkKeys.get(c), args));
      }
      try {
        List<T> out = new ArrayList<>(futures.size());
        for (RedisFuture<T> f : futures) {
          out.add(await(operation, view, keys, f));
        }
        return out;
      } catch (RedisOnlineStoreException e) {
        if (attempt > 0 || !isNoScript(e.getCause())) {
          throw e;
        }
        await(operation, view, keys, redis.scriptLoad(script));
      }
    }
  }

  private static boolean isNoScript(@Nullable Throwable t) {
    return t != null && t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
  }

  private <T> T await(String operation, String view, int keys, RedisFuture<T> future) {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw failure(operation, view, keys, "was interrupted", e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw failure(
          operation,
          view,
          keys,
          "got no answer within " + Duration.ofNanos(timeoutNanos) + " (Builder.timeout)",
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("MLOPS_FORMAT")) {
        throw failure(
            operation,
            view,
            keys,
            "found a stored record in an unknown format (not written by this version of"
                + " mlops-redis; use another namespace or delete the keys)",
            cause);
      }
      throw failure(operation, view, keys, "failed: " + bounded(message), cause);
    } catch (RuntimeException e) {
      throw failure(operation, view, keys, "failed: " + bounded(e.getMessage()), e);
    }
  }

  private RedisOnlineStoreException failure(
      String operation, String view, int keys, String what, Throwable cause) {
    return new RedisOnlineStoreException(
        server,
        operation,
        view,
        keys,
        "Redis online store at "
            + server
            + ": "
            + operation
            + " of "
            + keys
            + (keys == 1 ? " entity" : " entities")
            + " in view '"
            + bounded(view)
            + "' (namespace '"
            + namespace
            + "') "
            + what
            + "; the store reconnects by itself when the server is back, and writes may be"
            + " retried",
        cause);
  }

  private <E> List<List<E>> chunks(List<E> list) {
    List<List<E>> out = new ArrayList<>((list.size() + batchSize - 1) / batchSize);
    for (int from = 0; from < list.size(); from += batchSize) {
      out.add(list.subList(from, Math.min(list.size(), from + batchSize)));
    }
    return out;
  }

  static String bounded(@Nullable String s) {
    if (s == null) {
      return "(no message)";
    }
    return s.length() <= 100 ? s : s.substring(0, 100) + "… (" + s.length() + " chars)";
  }

  /** Closes the connection, and the client when the store made it (bounded: a few seconds). */
  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      if (ownedClient != null) {
        ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  /**
   * Configures a {@link RedisOnlineStore}; setters check their arguments at once, {@link #build}
   * connects.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable RedisURI uri;
    private @Nullable RedisClient client;
    private @Nullable String namespace;
    private Duration timeout = Duration.ofSeconds(2);
    private int batchSize = 500;
    private boolean expireKeys = true;
    private Duration keepExpiredFor = Duration.ofDays(1);

    private Builder() {}

    /** The server, as a Redis URI such as {@code redis://host:6379/0} (required). */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        return uri(RedisURI.create(uri));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "uri: not a Redis URI: " + bounded(uri) + " (" + bounded(e.getMessage()) + ")", e);
      }
    }

    /** The server, with Lettuce's settings (TLS, credentials, database). */
    public Builder uri(RedisURI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * A client to connect with (its resources and options), which the store does not shut down.
     * Default: a client of the store's own that rejects commands at once while disconnected and
     * reconnects by itself.
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The prefix of every key, one per workspace sharing the server (required): 1 to 64 of {@code
     * A-Z a-z 0-9 . _ -}.
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (!NAMESPACE.matcher(namespace).matches()) {
        throw new IllegalArgumentException(
            "namespace must be 1 to 64 of A-Z a-z 0-9 . _ -, got '" + bounded(namespace) + "'");
      }
      this.namespace = namespace;
      return this;
    }

    /** Longest wait for the answer of one read or write (default 2 s). */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /** Most records written, or keys read, by one script call (default 500; 1 to 10,000). */
    public Builder batchSize(int batchSize) {
      this.batchSize = Checks.inRange(batchSize, 1, 10_000, "batchSize");
      return this;
    }

    /**
     * How long past {@code eventTime + ttl} Redis keeps a record of a view with a TTL (default 1
     * day). During that time a lookup reads {@code EXPIRED}, as with the embedded store; after,
     * {@code NOT_FOUND}.
     */
    public Builder keepExpiredFor(Duration keepExpiredFor) {
      Objects.requireNonNull(keepExpiredFor, "keepExpiredFor");
      this.keepExpiredFor = Checks.notNegative(keepExpiredFor, "keepExpiredFor");
      return this;
    }

    /**
     * Whether records of views with a TTL expire in Redis (default true). With false, Redis keeps
     * every entity's newest record until it is deleted by other means, as the embedded store does.
     */
    public Builder expireKeys(boolean expireKeys) {
      this.expireKeys = expireKeys;
      return this;
    }

    /**
     * Connects and returns the store.
     *
     * @throws IllegalStateException if the URI or namespace is missing
     * @throws RedisOnlineStoreException if the server cannot be reached
     */
    public RedisOnlineStore build() {
      RedisURI u = uri;
      if (u == null) {
        throw Checks.missing("RedisOnlineStore.Builder", "uri", "uri(\"redis://host:6379\")");
      }
      if (namespace == null) {
        throw Checks.missing("RedisOnlineStore.Builder", "namespace", "namespace(name)");
      }
      return new RedisOnlineStore(this, u);
    }
  }
}
