package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time windows shared by several replicas through one SQLite workspace store: each monitor stands
 * for a replica with its own fake clock and replica id.
 */
class SharedWindowsTest {
  static final Instant T0 = Instant.parse("2025-11-25T10:00:00Z"); // a window boundary
  static final Duration WINDOW = Duration.ofMinutes(1);

  @TempDir Path dir;
  Store store;
  final List<Monitor> monitors = new ArrayList<>();
  final Map<Monitor, List<DriftReport>> reports = new HashMap<>();

  /** Runs each task at once on the calling thread, so a test sees every write before it returns. */
  final Executor monitoring = Runnable::run;

  @BeforeEach
  void open() {
    store = Store.open(dir);
  }

  @AfterEach
  void close() {
    monitors.forEach(Monitor::close);
    store.close();
  }

  Monitor.Builder builder(String replica, MutableClock clock) {
    Profile trainingProfile = ReplicaData.reference();
    // tag::replicas[]
    Monitor.Builder b =
        Monitor.builder()
            .model("churn")
            .reference(trainingProfile)
            .window(WindowSpec.time(Duration.ofMinutes(1))) // only time windows are shared
            .store(store) // the workspace Store every replica opens (PostgreSQL or SQLite)
            .executor(monitoring) // required with a store: its reads and writes run there
            .replicaId(replica) // default: host name + pid + random suffix
            .flushInterval(Duration.ofSeconds(10)) // write this replica's part every 10 s
            .gracePeriod(Duration.ofSeconds(30)); // merge a window 30 s after its end
    // end::replicas[]
    return b.clock(clock).batchRows(64);
  }

  Monitor track(Monitor.Builder b) {
    List<DriftReport> calls = new CopyOnWriteArrayList<>();
    Monitor m = b.listener((w, r) -> calls.add(r)).build();
    monitors.add(m);
    reports.put(m, calls);
    return m;
  }

  static void advance(Duration d, MutableClock... clocks) {
    for (MutableClock c : clocks) {
      c.advance(d);
    }
  }

  static void setAll(Instant t, MutableClock... clocks) {
    for (MutableClock c : clocks) {
      c.set(t);
    }
  }

  @Test
  void mergedPartsOfThreeReplicasEqualTheUnionAndEveryReplicaReportsTheSame() {
    ReplicaData data = ReplicaData.of(6_000, 7, 0.5);
    MutableClock[] clocks = new MutableClock[4];
    for (int i = 0; i < 4; i++) {
      clocks[i] = new MutableClock(T0.plusSeconds(1));
    }
    Monitor[] replicas = {
      track(builder("a", clocks[0])), track(builder("b", clocks[1])), track(builder("c", clocks[2]))
    };
    Monitor union =
        track(
            Monitor.builder()
                .model("churn")
                .reference(ReplicaData.reference())
                .window(WindowSpec.time(WINDOW))
                .clock(clocks[3]));
    for (int i = 0; i < data.size(); i++) {
      replicas[(i * 7919) % 3].observe(data.row(i)); // uneven split
      union.observe(data.row(i));
      if (i % 1_000 == 999) {
        advance(Duration.ofSeconds(5), clocks); // cumulative flushes on the row path
      }
    }
    setAll(T0.plus(WINDOW).plusSeconds(1), clocks);
    for (Monitor m : monitors) {
      m.tick(); // closes the window: final parts
    }
    assertThat(replicas[0].lastWindow()).isEmpty(); // waits for the grace period
    setAll(T0.plus(WINDOW).plusSeconds(30), clocks);
    for (Monitor m : replicas) {
      m.tick();
    }

    WindowSummary unionWindow = union.lastWindow().orElseThrow();
    data.assertProfileOfFirst(data.size(), unionWindow.profile());
    DriftReport unionReport = unionWindow.report().orElseThrow();
    for (Monitor m : replicas) {
      WindowSummary w = m.lastWindow().orElseThrow();
      assertThat(w.replicas())
          .contains(new ReplicaParts(List.of("a", "b", "c"), List.of(), List.of(), data.size()));
      assertThat(w.window().start()).isEqualTo(T0);
      assertThat(w.window().end()).isEqualTo(T0.plus(WINDOW));
      assertThat(w.window().rows()).isEqualTo(data.size());
      data.assertProfileOfFirst(data.size(), w.profile());
      assertThat(reports.get(m)).hasSize(1);
      DriftReport r = reports.get(m).get(0);
      assertThat(r.currentRows()).isEqualTo(data.size());
      // Jensen-Shannon of the categorical column comes from exact counts: the same number
      assertThat(r.column("c").orElseThrow().score())
          .isEqualTo(unionReport.column("c").orElseThrow().score());
      assertThat(r.column("c").orElseThrow().drifted())
          .isEqualTo(unionReport.column("c").orElseThrow().drifted());
    }
  }

  @Test
  void aReplicaThatDiesMidWindowIsCountedNotFinalWithItsFlushedRows() throws Exception {
    ReplicaData data = ReplicaData.of(400, 3, 0);
    MutableClock ca = new MutableClock(T0.plusSeconds(1));
    MutableClock cb = new MutableClock(T0.plusSeconds(1));
    MutableClock cc = new MutableClock(T0.plusSeconds(1));
    Monitor a = track(builder("a", ca));
    Monitor b = builder("b", cb).build(); // dies: never closed by the test
    Monitor c = track(builder("c", cc));
    for (int i = 0; i < 100; i++) {
      a.observe(data.row(i));
    }
    for (int i = 100; i < 150; i++) {
      b.observe(data.row(i));
    }
    for (int i = 150; i < 170; i++) {
      c.observe(data.row(i));
    }
    advance(Duration.ofSeconds(11), ca, cb, cc);
    b.tick(); // flushes its 50 rows once
    assertThat(part("b")).containsExactly(50L, 0L);
    for (int i = 300; i < 330; i++) {
      b.observe(data.row(i)); // never flushed: lost
    }
    c.close(); // stops cleanly mid-window: its part is final
    assertThat(part("c")).containsExactly(20L, 1L);
    ca.set(T0.plus(WINDOW).plusSeconds(29));
    a.tick();
    assertThat(a.lastWindow()).isEmpty(); // closed, waiting for the grace period
    ca.advance(Duration.ofSeconds(1));
    a.tick();

    WindowSummary w = a.lastWindow().orElseThrow();
    assertThat(w.replicas())
        .contains(new ReplicaParts(List.of("a", "b", "c"), List.of("b"), List.of(), 170));
    data.assertProfileOfFirst(170, w.profile());
    assertThat(reports.get(a)).hasSize(1);
    assertThat(c.lastWindow()).isEmpty(); // a closed replica evaluates nothing more
  }

  @Test
  void cumulativePartsFollowTheFlushIntervalAndTheFinalPartTheWindowEnd() throws Exception {
    ReplicaData data = ReplicaData.of(20, 5, 0);
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor m = track(builder("a", clock));
    for (int i = 0; i < 10; i++) {
      m.observe(data.row(i));
    }
    assertThat(part("a")).isEmpty(); // the interval has not passed
    clock.advance(Duration.ofSeconds(10));
    m.observe(data.row(10)); // the flush is due: writes the rows before this one
    assertThat(part("a")).containsExactly(10L, 0L);
    m.tick();
    assertThat(part("a")).containsExactly(10L, 0L); // next flush in 10 s
    clock.advance(Duration.ofSeconds(10));
    m.tick();
    assertThat(part("a")).containsExactly(11L, 0L);
    assertThat(m.flush()).isEmpty(); // writes now, does not cut the shared window
    m.observe(data.row(11));
    assertThat(m.flush()).isEmpty();
    assertThat(part("a")).containsExactly(12L, 0L);
    clock.set(T0.plus(WINDOW));
    m.tick();
    assertThat(part("a")).containsExactly(12L, 1L);
    clock.set(T0.plus(WINDOW).plusSeconds(30));
    WindowSummary w = m.flush().orElseThrow();
    assertThat(w.window().rows()).isEqualTo(12);
    data.assertProfileOfFirst(12, w.profile());
  }

  @Test
  void craftedPartsAreRejectedWithAReasonAndTheOthersAreStillMerged() throws Exception {
    ReplicaData data = ReplicaData.of(200, 11, 0);
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor.Builder b = builder("a", clock);
    b.maxPartBytes = 100_000;
    Monitor a = track(b);
    for (int i = 0; i < 100; i++) {
      a.observe(data.row(i));
    }
    List<Map<String, ?>> good = new ArrayList<>();
    for (int i = 100; i < 120; i++) {
      good.add(data.row(i));
    }
    Profile goodPart = Profile.of(ReplicaData.SCHEMA, good);
    Profile otherSchema =
        Profile.of(ProfileSchema.builder().numeric("z").build(), List.of(Map.of("z", 1.0)));
    ByteArrayOutputStream java = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(java)) {
      out.writeObject(new HashMap<>(Map.of("k", "v")));
    }
    String newer = goodPart.toJson().replace("\"schemaVersion\":1", "\"schemaVersion\":99");
    insert("evil-garbage", 5, "not a profile".getBytes(StandardCharsets.UTF_8));
    insert("evil-huge", 20, new byte[200_000]);
    insert("evil-java", 1, java.toByteArray());
    insert("evil-newer", 20, newer.getBytes(StandardCharsets.UTF_8));
    insert("evil-rows", 21, goodPart.toBytes());
    insert("evil-schema", 1, otherSchema.toBytes());
    insert("zz-good", 20, goodPart.toBytes());
    clock.set(T0.plus(WINDOW).plusSeconds(30));
    a.tick();

    WindowSummary w = a.lastWindow().orElseThrow();
    assertThat(w.replicas())
        .contains(
            new ReplicaParts(
                List.of("a", "zz-good"),
                List.of(),
                List.of(
                    "evil-garbage",
                    "evil-huge",
                    "evil-java",
                    "evil-newer",
                    "evil-rows",
                    "evil-schema"),
                120));
    data.assertProfileOfFirst(120, w.profile());
    assertThat(reports.get(a)).hasSize(1);
    assertThat(a.stats().evaluationFailures()).isZero();
  }

  @Test
  void onlyTimeWindowsCanBeShared() {
    Monitor.Builder b = builder("a", new MutableClock(T0)).window(WindowSpec.rows(100));
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only time windows can be shared")
        .hasMessageContaining("WindowSpec.time");
  }

  @Test
  void replicaIdsAreBounded() {
    Monitor.Builder b = Monitor.builder();
    assertThatThrownBy(() -> b.replicaId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.replicaId("x".repeat(101)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.replicaId("a\nb")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Monitor.Builder.defaultReplicaId())
        .contains("-" + ProcessHandle.current().pid() + "-");
  }

  @Test
  void aChunkWaitingInTheExecutorIsInTheNextFlushedPart() throws Exception {
    ReplicaData data = ReplicaData.of(100, 17, 0);
    List<Runnable> queued = new ArrayList<>();
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor m = track(builder("a", clock).executor(queued::add).stripes(1));
    for (int i = 0; i < 60; i++) {
      m.observe(data.row(i));
    }
    m.flush();
    assertThat(part("a")).containsExactly(60L, 0L);
    for (int i = 60; i < 70; i++) {
      m.observe(data.row(i)); // the 64th row hands its chunk to the executor, which holds it
    }
    assertThat(queued).hasSize(1);
    m.flush(); // the chunk is neither buffered nor profiled yet
    assertThat(part("a")).containsExactly(70L, 0L);
    queued.remove(0).run();
    m.flush();
    assertThat(part("a")).containsExactly(70L, 0L);
    clock.set(T0.plus(WINDOW));
    m.tick();
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
    assertThat(part("a")).containsExactly(70L, 1L);
  }

  @Test
  void aStoredPartNeverShrinksWhenFlushesCommitOutOfOrder() throws Exception {
    ReplicaData data = ReplicaData.of(100, 19, 0);
    WindowParts parts = new WindowParts(store, "churn", "a", ReplicaData.SCHEMA, 1 << 20, 1000);
    long start = T0.toEpochMilli();
    long end = T0.plus(WINDOW).toEpochMilli();
    parts.write(start, end, profileOfFirst(data, 70), false, start + 2);
    parts.write(start, end, profileOfFirst(data, 60), false, start + 1); // an earlier snapshot
    assertThat(part("a")).containsExactly(70L, 0L);
    parts.write(start, end, profileOfFirst(data, 80), true, start + 3);
    parts.write(start, end, profileOfFirst(data, 90), false, start + 4); // late, not final
    assertThat(part("a")).containsExactly(80L, 1L);
    data.assertProfileOfFirst(80, parts.read(start, end).profile());
  }

  static Profile profileOfFirst(ReplicaData data, int rows) {
    List<Map<String, ?>> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(data.row(i));
    }
    return Profile.of(ReplicaData.SCHEMA, out);
  }

  @Test
  void aFinalPartWhoseWriteFailedIsWrittenAgainBeforeTheMerge() throws Exception {
    ReplicaData data = ReplicaData.of(200, 23, 0);
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor a = track(builder("a", clock));
    for (int i = 0; i < 100; i++) {
      a.observe(data.row(i));
    }
    clock.advance(Duration.ofSeconds(10));
    a.tick();
    for (int i = 100; i < 120; i++) {
      a.observe(data.row(i)); // not flushed: only the final part holds them
    }
    assertThat(part("a")).containsExactly(100L, 0L);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String event : List.of("INSERT", "UPDATE")) {
        s.execute(
            "CREATE TRIGGER down_"
                + event
                + " BEFORE "
                + event
                + " ON monitor_window_parts WHEN NEW.final = 1"
                + " BEGIN SELECT RAISE(ABORT, 'the store is down'); END");
      }
    }
    clock.set(T0.plus(WINDOW).plusSeconds(1));
    a.tick(); // closes the window; its final write fails, twice
    assertThat(part("a")).containsExactly(100L, 0L);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER down_INSERT");
      s.execute("DROP TRIGGER down_UPDATE");
    }
    clock.set(T0.plus(WINDOW).plusSeconds(30));
    a.tick();

    assertThat(part("a")).containsExactly(120L, 1L);
    WindowSummary w = a.lastWindow().orElseThrow();
    assertThat(w.replicas()).contains(new ReplicaParts(List.of("a"), List.of(), List.of(), 120));
    data.assertProfileOfFirst(120, w.profile());
    assertThat(a.stats().evaluationFailures()).isZero();
  }

  @Test
  void aPartOfAnotherWindowLengthIsRejected() throws Exception {
    ReplicaData data = ReplicaData.of(200, 29, 0);
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor a = track(builder("a", clock));
    for (int i = 0; i < 100; i++) {
      a.observe(data.row(i));
    }
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int i = 100; i < 120; i++) {
      rows.add(data.row(i));
    }
    Profile other = Profile.of(ReplicaData.SCHEMA, rows);
    // a replica configured with 2-minute windows: same start, another end
    insert("b-two-minutes", T0.plus(Duration.ofMinutes(2)), 20, other.toBytes());
    insert("c-one-minute", T0.plus(WINDOW), 20, other.toBytes());
    clock.set(T0.plus(WINDOW).plusSeconds(30));
    a.tick();

    WindowSummary w = a.lastWindow().orElseThrow();
    assertThat(w.replicas())
        .contains(
            new ReplicaParts(
                List.of("a", "c-one-minute"), List.of(), List.of("b-two-minutes"), 120));
    data.assertProfileOfFirst(120, w.profile());
  }

  @Test
  void anOverLongStoredReplicaIdIsRejectedWithoutBeingReadWhole() throws Exception {
    ReplicaData data = ReplicaData.of(200, 31, 0);
    MutableClock clock = new MutableClock(T0.plusSeconds(1));
    Monitor a = track(builder("a", clock));
    for (int i = 0; i < 100; i++) {
      a.observe(data.row(i));
    }
    String huge = "x".repeat(1_000_000);
    insert(huge, T0.plus(WINDOW), 100, profileOfFirst(data, 100).toBytes());
    insert("y".repeat(100), T0.plus(WINDOW), 100, profileOfFirst(data, 100).toBytes());
    clock.set(T0.plus(WINDOW).plusSeconds(30));
    a.tick();

    WindowSummary w = a.lastWindow().orElseThrow();
    assertThat(w.replicas())
        .contains(
            new ReplicaParts(
                List.of("a", "y".repeat(100)),
                List.of(),
                List.of("x".repeat(100) + "... (1000000 chars)"),
                200));
  }

  @Test
  void aPartTooLargeToBeReadBackIsLoggedOncePerWindow() {
    ReplicaData data = ReplicaData.of(100, 37, 0);
    WindowParts parts = new WindowParts(store, "churn", "a", ReplicaData.SCHEMA, 10, 1000);
    long start = T0.toEpochMilli();
    long end = T0.plus(WINDOW).toEpochMilli();
    for (int rows = 10; rows <= 50; rows += 10) {
      parts.write(start, end, profileOfFirst(data, rows), rows == 50, start + rows);
    }
    assertThat(parts.oversizeWarnings()).isEqualTo(1);
    parts.write(end, end + WINDOW.toMillis(), profileOfFirst(data, 10), false, end);
    assertThat(parts.oversizeWarnings()).isEqualTo(2);
  }

  @Test
  void aStoreWithoutAnExecutorIsRefusedAtBuild() {
    Monitor.Builder b =
        Monitor.builder()
            .model("churn")
            .reference(ReplicaData.reference())
            .window(WindowSpec.time(WINDOW))
            .store(store);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Monitor.Builder: an executor when a store is given")
        .hasMessageEndingWith("call executor(executor)");
    assertThat(b.executor(Runnable::run).build()).satisfies(monitors::add);
  }

  @Test
  void defaultReplicaIdsDifferBetweenMonitorsOfOneProcess() {
    String first = Monitor.Builder.defaultReplicaId();
    String second = Monitor.Builder.defaultReplicaId();
    assertThat(first).isNotEqualTo(second);
    assertThat(first).matches(".*-" + ProcessHandle.current().pid() + "-[0-9a-f]{8}");
    assertThat(first.length()).isLessThanOrEqualTo(100);
  }

  private Connection connect() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.DATABASE_FILE));
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  /** The stored rows and final flag of a replica's part of the window at T0; empty if none. */
  private List<Long> part(String replica) throws Exception {
    try (Connection c = connect();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT rows_profiled, final FROM monitor_window_parts"
                    + " WHERE model = 'churn' AND window_start = ? AND replica = ?")) {
      p.setLong(1, T0.toEpochMilli());
      p.setString(2, replica);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? List.of(rs.getLong(1), rs.getLong(2)) : List.of();
      }
    }
  }

  private void insert(String replica, long rows, byte[] profile) throws Exception {
    insert(replica, T0.plus(WINDOW), rows, profile);
  }

  private void insert(String replica, Instant end, long rows, byte[] profile) throws Exception {
    try (Connection c = connect();
        PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO monitor_window_parts VALUES ('churn', ?, ?, ?, ?, 1, ?, ?)")) {
      p.setLong(1, T0.toEpochMilli());
      p.setString(2, replica);
      p.setLong(3, end.toEpochMilli());
      p.setLong(4, rows);
      p.setLong(5, T0.toEpochMilli());
      p.setBytes(6, profile);
      p.executeUpdate();
    }
  }
}
