package io.github.mlops4j.serving;

import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.PausingDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AliasConsistencyProperties} with the changes made by another JVM ({@link
 * AliasMovingChild}), seen through the registry's watcher.
 *
 * <p>The timeout is a safety net: a hang (a deadlock) fails the test instead of stalling the build.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AliasConsistencyAcrossJvmsIT extends AliasConsistency {
  @Test
  void changesThroughAnotherJvm() throws Exception {
    Path ws = temp.resolve("ws");
    PausingDataSource db = PausingDataSource.sqlite(ws.resolve(Store.DATABASE_FILE));
    Files.createDirectories(ws);
    Store store =
        closeLater(
            Store.builder()
                .dataSource(db)
                .artifactRoot(ws.resolve(Store.ARTIFACT_DIRECTORY))
                .build());
    ModelRegistry observer =
        closeLater(
            ModelRegistry.builder().store(store).pollInterval(Duration.ofMillis(20)).build());
    Mover mover = closeLater(new ChildMover(ws, temp.resolve("child.log")));
    qt().withFixedSeed(1203L)
        .withExamples(20)
        .withShrinkCycles(0)
        .forAll(changes(), pauses(), resolverThreads())
        .checkAssert(
            (ops, pause, threads) -> check(observer, db, mover, true, ops, pause, threads));
  }
}
