package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringIdsTest {
  /** 2^n strings of n blocks "Aa" or "BB": every one has the same {@code String.hashCode}. */
  private static List<String> sameHash(int n) {
    List<String> out = new ArrayList<>();
    for (int bits = 0; bits < 1 << n; bits++) {
      StringBuilder sb = new StringBuilder(2 * n);
      for (int b = 0; b < n; b++) {
        sb.append((bits >>> b & 1) == 0 ? "Aa" : "BB");
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Test
  void stringsThatAllHashAlike_keepTheirIds_throughTheOverflow() {
    List<String> keys = sameHash(13); // 8,192 strings, one hash
    assertThat(keys.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    StringIds ids = new StringIds();
    for (int i = 0; i < keys.size(); i++) {
      assertThat(ids.get(keys.get(i))).isEqualTo(-1);
      assertThat(ids.add(keys.get(i))).isEqualTo(i);
    }
    // Only the first MAX_PROBE fit in the table's probe window; the rest went to the map.
    assertThat(ids.overflowSize()).isEqualTo(keys.size() - StringIds.MAX_PROBE);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(ids.get(keys.get(i))).isEqualTo(i);
    }
    assertThat(ids.get("Aa".repeat(14))).isEqualTo(-1); // same hash, never added
    assertThat(ids.get("unrelated")).isEqualTo(-1);
    assertThat(ids.size()).isEqualTo(keys.size());
  }

  @Test
  void ordinaryStrings_stayInTheTable() {
    StringIds ids = new StringIds();
    for (int i = 0; i < 100_000; i++) {
      assertThat(ids.add("customer-" + i)).isEqualTo(i);
    }
    assertThat(ids.overflowSize()).isZero();
    for (int i = 0; i < 100_000; i++) {
      assertThat(ids.get("customer-" + i)).isEqualTo(i);
    }
  }
}
