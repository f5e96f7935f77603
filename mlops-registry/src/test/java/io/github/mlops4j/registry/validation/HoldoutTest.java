package io.github.mlops4j.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.data.DatasetVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

class HoldoutTest {
  @TempDir Path dir;

  @Test
  void inMemoryDigest_dependsOnContentOnly() {
    Holdout<Label> a = Holdout.builder(Data.churn(200, 1)).build();
    Holdout<Label> b = Holdout.builder(Data.churn(200, 1)).build();
    Holdout<Label> c = Holdout.builder(Data.churn(200, 2)).build();
    assertThat(a.version().digest()).isEqualTo(b.version().digest()).hasSize(64);
    assertThat(c.version().digest()).isNotEqualTo(a.version().digest());
    assertThat(a.version().rowCount()).isEqualTo(200);
  }

  @Test
  void csv_readsFeaturesSlicesAndOneHotColumns() throws Exception {
    Path csv = dir.resolve("h.csv");
    Files.writeString(
        csv,
        "tenure,plan,region,churn\n1.5,gold,north,yes\n2,basic,south,no\n" + ",gold,north,no\n");
    Holdout<Label> h =
        Holdout.csvBuilder(csv, "churn", new LabelFactory()).sliceBy("region").build();
    assertThat(h.size()).isEqualTo(3);
    // slicing groups rows, it does not remove the column from the features
    assertThat(h.featureColumns()).containsExactly("tenure", "plan", "region");
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
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no label column 'churn'");
    Files.writeString(csv, "tenure,churn\n");
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no rows");
  }

  @Test
  void csvWithADuplicateColumnName_isRefusedNamingTheColumn() throws Exception {
    Path csv = dir.resolve("h.csv");
    // Which "tenure" would be the feature? Today the second one is silently ignored.
    Files.writeString(csv, "tenure,spend,tenure,churn\n1,10,9,yes\n2,20,8,no\n");
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("column 'tenure' twice (columns 1 and 3)");
    Files.writeString(csv, "tenure,churn,churn\n1,yes,no\n");
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).build())
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
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no label column 'churn'")
        .hasMessageContaining("20000 columns")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
    String longName = "x".repeat(100_000);
    Files.writeString(csv, "tenure,churn\n1,yes\n");
    assertThatThrownBy(() -> Holdout.csvBuilder(csv, longName, new LabelFactory()).build())
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
  }

  @Test
  void csvSlicedByAModelFeature_keepsTheFeature_andEvaluates() throws Exception {
    Model<Label> model = LoanCsv.train(LoanCsv.write(dir.resolve("train.csv"), 1500, 1));
    Path csv = LoanCsv.write(dir.resolve("holdout.csv"), 600, 2);

    Holdout<Label> h =
        Holdout.csvBuilder(csv, "churn", new LabelFactory())
            .sliceBy("region")
            .ignoreColumns("customer_id")
            .build();
    Evaluation e = ModelEvaluator.evaluate(model, h);

    assertThat(h.featureColumns()).containsExactly("tenure", "spend", "region");
    assertThat(h.dataset().getExample(0).lookup("customer_id")).isNull();
    assertThat(e.slices()).containsOnlyKeys("region=east", "region=north", "region=south");
    assertThat(e.metric("accuracy")).isGreaterThan(0.85);
    int rows = e.slices().values().stream().mapToInt(SliceMetrics::rows).sum();
    assertThat(rows).isEqualTo(600);
  }

  @Test
  void inMemoryAndCsvSliceBy_meanTheSame() throws Exception {
    Model<Label> model = LoanCsv.train(LoanCsv.write(dir.resolve("train.csv"), 1500, 1));
    Path csv = LoanCsv.write(dir.resolve("holdout.csv"), 400, 3);
    Holdout<Label> fromCsv =
        Holdout.csvBuilder(csv, "churn", new LabelFactory())
            .sliceBy("region")
            .sliceBy("tenure")
            .ignoreColumns("customer_id")
            .build();
    // the same rows in memory: region only as the one-hot feature, no metadata
    Holdout<Label> loaded = Holdout.csvBuilder(csv, "churn", new LabelFactory()).build();
    Holdout<Label> inMemory =
        Holdout.builder(loaded.dataset()).sliceBy("region").ignoreColumns("customer_id").build();

    assertThat(inMemory.featureColumns()).isEqualTo(List.of("region", "spend", "tenure"));
    assertThat(inMemory.sliceValues("region")).isEqualTo(fromCsv.sliceValues("region"));
    assertThat(inMemory.dataset().getExample(0).lookup("customer_id@C000000")).isNull();
    assertThat(ModelEvaluator.evaluate(model, inMemory).slices())
        .isEqualTo(
            ModelEvaluator.evaluate(model, fromCsv).slices().entrySet().stream()
                .filter(s -> s.getKey().startsWith("region="))
                .collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  @Test
  void ignoreColumns_mustNameAColumn_andNotTheLabel() throws Exception {
    Path csv = LoanCsv.write(dir.resolve("holdout.csv"), 20, 4);
    assertThatThrownBy(
            () ->
                Holdout.csvBuilder(csv, "churn", new LabelFactory())
                    .ignoreColumns("customer-id")
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no column 'customer-id' to ignore")
        .hasMessageContaining("'customer_id'");
    assertThatThrownBy(
            () -> Holdout.csvBuilder(csv, "churn", new LabelFactory()).ignoreColumns("churn"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label column");
    Holdout<Label> loaded = Holdout.csvBuilder(csv, "churn", new LabelFactory()).build();
    assertThatThrownBy(() -> Holdout.builder(loaded.dataset()).ignoreColumns("id").build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no feature column 'id'");
  }

  @Test
  void sliceColumnThatIsNoFeature_isNotAnUnknownColumn() throws Exception {
    Model<Label> model = LoanCsv.train(LoanCsv.write(dir.resolve("train.csv"), 1500, 1));
    Path csv = LoanCsv.write(dir.resolve("holdout.csv"), 300, 5);
    // customer_id is neither ignored nor known to the model: an error that says what to do
    assertThatThrownBy(
            () ->
                ModelEvaluator.evaluate(
                    model, Holdout.csvBuilder(csv, "churn", new LabelFactory()).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("columns the model does not know [customer_id]")
        .hasMessageContaining("ignoreColumns");
  }
}
