package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

class SortedExampleProperties {
  private static final Label UNKNOWN = new Label("unknown");

  @Test
  void holdsTheSameFeaturesAsTribuosOwnExampleWhateverTheInputOrder() {
    qt().withFixedSeed(20261126L)
        .withExamples(300)
        .forAll(integers().between(0, 40), longs().all())
        .checkAssert(
            (n, seed) -> {
              Random random = new Random(seed);
              List<String> names = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                names.add("f" + random.nextInt(1000) + (random.nextBoolean() ? "@x" : ""));
              }
              if (random.nextBoolean()) {
                Collections.sort(names); // the common, already ordered case
              }
              String[] nameArray = names.toArray(new String[0]);
              double[] values = random.doubles(n).toArray();
              ArrayExample<Label> expected =
                  new ArrayExample<>(UNKNOWN, nameArray.clone(), values.clone());
              ArrayExample<Label> actual = SortedExample.of(UNKNOWN, nameArray, values);
              assertThat(features(actual)).isEqualTo(features(expected));
            });
  }

  private static List<String> features(Example<Label> example) {
    List<String> out = new ArrayList<>();
    for (Feature f : example) {
      out.add(f.getName() + "=" + f.getValue());
    }
    return out;
  }
}
