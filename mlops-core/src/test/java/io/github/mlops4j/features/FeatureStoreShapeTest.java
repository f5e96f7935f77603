package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FeatureStore} is a thin facade over package-private engines, the way {@code
 * InferenceService} sits over {@code ServiceCore}: the view catalog, row encoding, the historical
 * join, the materializer and the online reader.
 */
class FeatureStoreShapeTest {
  private static final List<String> ENGINES =
      List.of("ViewCatalog", "RowCodec", "HistoricalJoin", "Materializer", "OnlineReader");

  @Test
  void enginesArePackagePrivateFinalClasses() throws ClassNotFoundException {
    for (String name : ENGINES) {
      Class<?> engine = Class.forName("io.github.mlops4j.features." + name);
      int modifiers = engine.getModifiers();
      assertThat(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers))
          .as(name + " is not API")
          .isFalse();
      assertThat(Modifier.isFinal(modifiers)).as(name + " is final").isTrue();
    }
  }

  @Test
  void facadeHoldsNoPlumbingOfItsOwn() {
    List<Class<?>> fieldTypes =
        Arrays.stream(FeatureStore.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .<Class<?>>map(Field::getType)
            .toList();
    assertThat(fieldTypes)
        .doesNotContain(FeatureDao.class, OnlineCache.class, JdbcOnlineStore.class)
        .doesNotContain(java.util.Map.class);
  }
}
