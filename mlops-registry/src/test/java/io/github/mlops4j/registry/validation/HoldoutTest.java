package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.data.DatasetVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

class HoldoutTest {
  @TempDir
  Path dir;

  @Test
  void inMemoryDigest_dependsOnContentOnly() {
    Holdout<Label> a = Holdout.of(Data.churn(200, 1)).build();
    Holdout<Label> b = Holdout.of(Data.churn(200, 1)).build();
    Holdout<Label> c = Holdout.of(Data.churn(200, 2)).build();
    assertThat(a.version().digest()).isEqualTo(b.version().digest()).hasSize(64);
    assertThat(c.version().digest()).isNotEqualTo(a.version().digest());
    assertThat(a.version().rowCount()).isEqualTo(200);
  }

  @Test
  void csv_readsFeaturesSlicesAndOneHotColumns() throws Exception {
    Path csv = dir.resolve("h.csv");
    Files.writeString(csv, "tenure,plan,region,churn\n1.5,gold,north,yes\n2,basic,south,no\n"
        + ",gold,north,no\n");
    Holdout<Label> h = Holdout.csv(csv, "churn", new LabelFactory()).sliceBy("region").build();
    assertThat(h.size()).isEqualTo(3);
    assertThat(h.featureColumns()).containsExactly("tenure", "plan");
    assertThat(h.version().digest()).isEqualTo(DatasetVersion.of(csv).digest());
    assertThat(h.name()).isEqualTo("h.csv");
    var first = h.dataset().getExample(0);
    assertThat(first.lookup("tenure").getValue()).isEqualTo(1.5);
    assertThat(first.lookup("plan@gold").getValue()).isEqualTo(1.0);
    assertThat(first.getMetadataValue("region")).hasValue("north");
    assertThat(h.dataset().getExample(2).lookup("tenure")).isNull();
  }

  @Test
  void csvWithoutTheLabelColumn_isAClearError() throws Exception {
    Path csv = dir.resolve("h.csv");
    Files.writeString(csv, "tenure,spend\n1,2\n");
    assertThatThrownBy(() -> Holdout.csv(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("no label column 'churn'");
    Files.writeString(csv, "tenure,churn\n");
    assertThatThrownBy(() -> Holdout.csv(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("no rows");
  }

  @Test
  void csvWithADuplicateColumnName_isRefusedNamingTheColumn() throws Exception {
    Path csv = dir.resolve("h.csv");
    // Which "tenure" would be the feature? Today the second one is silently ignored.
    Files.writeString(csv, "tenure,spend,tenure,churn\n1,10,9,yes\n2,20,8,no\n");
    assertThatThrownBy(() -> Holdout.csv(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("column 'tenure' twice (columns 1 and 3)");
    Files.writeString(csv, "tenure,churn,churn\n1,yes,no\n");
    assertThatThrownBy(() -> Holdout.csv(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("column 'churn' twice (columns 2 and 3)");
  }

  @Test
  void csvErrors_quoteABoundedPartOfTheHeader() throws Exception {
    Path csv = dir.resolve("h.csv");
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      header.append(i == 0 ? "" : ",").append("column_with_a_long_name_").append(i);
    }
    Files.writeString(csv, header + "\n" + "1,".repeat(19_999) + "1\n");
    assertThatThrownBy(() -> Holdout.csv(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("no label column 'churn'")
        .hasMessageContaining("20000 columns")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
    String longName = "x".repeat(100_000);
    Files.writeString(csv, "tenure,churn\n1,yes\n");
    assertThatThrownBy(() -> Holdout.csv(csv, longName, new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
  }
}
