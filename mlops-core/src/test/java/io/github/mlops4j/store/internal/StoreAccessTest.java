package io.github.mlops4j.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.TestClassPath;
import io.github.mlops4j.tracking.Tracker;
import java.io.File;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAccessTest {
  @TempDir Path workspace;

  @Test
  void onlyStoreRegistersTheBridge() throws Exception {
    Class.forName(Store.class.getName()); // initialized: the bridge is registered
    StoreAccess.Bridge other =
        (StoreAccess.Bridge)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {StoreAccess.Bridge.class},
                (proxy, method, args) -> null);
    assertThatThrownBy(() -> StoreAccess.register(other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("registered already");
  }

  /**
   * In a fresh class loader the first store a builder opens goes through {@link
   * StoreAccess#openStore} before anything has initialized {@link Store}: the bridge is there.
   */
  @Test
  void aBuilderOpensItsStoreBeforeStoreIsInitialized() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : TestClassPath.entries()) {
      if (!entry.isBlank()) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      @SuppressWarnings("unchecked")
      Function<Path, String> probe =
          (Function<Path, String>)
              Class.forName(FirstStoreProbe.class.getName(), true, loader)
                  .getDeclaredConstructor()
                  .newInstance();
      assertThat(probe.apply(workspace)).isEqualTo("CREATE");
    }
  }

  /** Opens a tracker, the first store of its class loader. */
  public static final class FirstStoreProbe implements Function<Path, String> {
    @Override
    public String apply(Path workspace) {
      try (Tracker tracker = Tracker.builder().workspace(workspace).build()) {
        return tracker.store().openMode().name();
      }
    }
  }
}
