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
 * Read-your-writes and convergence of a service following an alias, under random sequences of alias
 * changes made back to back while other threads resolve (see {@link AliasConsistency}): changes
 * through the service's own registry, and through another registry instance on the same workspace
 * in this JVM.
 *
 * <p>The timeout is a safety net: a hang (a deadlock) fails the test instead of stalling the build.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AliasConsistencyProperties extends AliasConsistency {
  @Test
  void changesThroughTheServicesOwnRegistry() throws Exception {
    Path ws = temp.resolve("ws");
    PausingDataSource db = PausingDataSource.sqlite(ws.resolve(Store.DATABASE_FILE));
    Files.createDirectories(ws);
    Store store =
        closeLater(
            Store.builder()
                .dataSource(db)
                .artifactRoot(ws.resolve(Store.ARTIFACT_DIRECTORY))
                .build());
    ModelRegistry registry =
        closeLater(ModelRegistry.builder().store(store).pollInterval(Duration.ZERO).build());
    Mover mover = local(registry);
    qt().withFixedSeed(1201L)
        .withExamples(30)
        .withShrinkCycles(0)
        .forAll(changes(), pauses(), resolverThreads())
        .checkAssert(
            (ops, pause, threads) -> check(registry, db, mover, false, ops, pause, threads));
  }

  @Test
  void changesThroughAnotherRegistryInThisJvm() throws Exception {
    Path ws = temp.resolve("ws");
    PausingDataSource db = PausingDataSource.sqlite(ws.resolve(Store.DATABASE_FILE));
    ModelRegistry writer =
        closeLater(ModelRegistry.builder().workspace(ws).pollInterval(Duration.ZERO).build());
    Store store =
        closeLater(
            Store.builder()
                .dataSource(db)
                .artifactRoot(ws.resolve(Store.ARTIFACT_DIRECTORY))
                .build());
    ModelRegistry observer =
        closeLater(
            ModelRegistry.builder().store(store).pollInterval(Duration.ofMillis(20)).build());
    Mover mover = local(writer);
    qt().withFixedSeed(1202L)
        .withExamples(25)
        .withShrinkCycles(0)
        .forAll(changes(), pauses(), resolverThreads())
        .checkAssert(
            (ops, pause, threads) -> check(observer, db, mover, true, ops, pause, threads));
  }
}
