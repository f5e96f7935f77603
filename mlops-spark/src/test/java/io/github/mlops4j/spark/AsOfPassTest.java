package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.NanPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The sweep on rows given directly, in the order the join's sort produces: entities whose keys
 * share a hash group (the sort key's upper bits) and whose rows interleave by time, as two entities
 * with colliding hash groups would arrive.
 */
class AsOfPassTest {
  private static final long GROUP_1 = 0x1234_5678_9A00_0000L;
  private static final long GROUP_2 = 0x2234_5678_9A00_0000L;
  private static final long GROUP_3 = 0x3234_5678_9A00_0000L;

  private final AsOfPass pass =
      new AsOfPass(
          new String[] {"user"},
          1,
          new AsOfPass.View[] {
            new AsOfPass.View("v", new String[] {"f"}, new boolean[] {false}, NanPolicy.KEEP, 0, 6)
          },
          false);

  @Test
  void entitiesOfOneHashGroupKeepTheirOwnWinners() {
    List<Row> input =
        List.of(
            feature("a", 10, 1, GROUP_1),
            feature("b", 20, 2, GROUP_1),
            spine("a", 30, GROUP_1),
            spine("b", 40, GROUP_1),
            spine("c", 50, GROUP_1),
            feature("a", 60, 3, GROUP_1),
            spine("b", 65, GROUP_1),
            spine("a", 70, GROUP_1),
            feature("d", 1, 9, GROUP_2),
            spine("d", 2, GROUP_2),
            spine("e", 3, GROUP_3));

    List<Row> out = new ArrayList<>();
    pass.call(input.iterator()).forEachRemaining(out::add);

    assertThat(out)
        .containsExactly(
            result("a@30", 10L, 1L),
            result("b@40", 20L, 2L),
            result("c@50", null, null),
            result("b@65", 20L, 2L),
            result("a@70", 60L, 3L),
            result("d@2", 1L, 9L),
            result("e@3", null, null));
  }

  /**
   * Layout: key (UTF-8 bytes, as the join passes STRING keys), time, kind, created, sequence,
   * payload struct, the view's struct, sort key.
   */
  private static Row feature(String key, long time, long value, long group) {
    return RowFactory.create(
        key.getBytes(StandardCharsets.UTF_8),
        time,
        0,
        time,
        time,
        null,
        RowFactory.create(value),
        group | (time & 0xFF));
  }

  private static Row spine(String key, long time, long group) {
    return RowFactory.create(
        key.getBytes(StandardCharsets.UTF_8),
        time,
        1,
        null,
        null,
        RowFactory.create(key + "@" + time),
        null,
        group | (time & 0xFF));
  }

  private static Row result(String payload, @Nullable Long event, @Nullable Long value) {
    String status = (event == null ? FeatureStatus.NOT_FOUND : FeatureStatus.PRESENT).name();
    return RowFactory.create(payload, event, value, status);
  }
}
