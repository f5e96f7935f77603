package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mlops4j.tracking.Filter.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderByTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // MLflow documentation (search-runs index.mdx / search-runs.rst) and test_search_utils.py
        "metrics.accuracy DESC          | METRIC    | accuracy          | false",
        "params.lr DESC                 | PARAM     | lr                | false",
        "metrics.rmse                   | METRIC    | rmse              | true",
        "metrics.`Mean Square Error`    | METRIC    | Mean Square Error | true",
        "metrics.`Mean Square Error` ASC | METRIC   | Mean Square Error | true",
        "metrics.`Mean Square Error` DESC | METRIC  | Mean Square Error | false",
        "tags.noSuchTag                 | TAG       | noSuchTag         | true",
        "attributes.status              | ATTRIBUTE | status            | true",
        "attributes.start_time ASC      | ATTRIBUTE | start_time        | true",
        "metrics.key1 asc               | METRIC    | key1              | true",
        "metrics.\"key1\"  desc         | METRIC    | key1              | false",
        "params.my_param aSc            | PARAM     | my_param          | true",
        "attributes.status   DESC       | ATTRIBUTE | status            | false",
        "params.`my_param` DESC         | PARAM     | my_param          | false",
        "tags.tag1    DESC              | TAG       | tag1              | false",
        // bare attribute names and aliases
        "start_time                     | ATTRIBUTE | start_time        | true",
        "created DESC                   | ATTRIBUTE | start_time        | false",
        "attr.`Run Name`                | ATTRIBUTE | run_name          | true",
        "tags.mlflow.runName            | TAG       | mlflow.runName    | true",
        "end_time desc                  | ATTRIBUTE | end_time          | false",
      })
  void parsesMlflowOrderByKeys(String text, Filter.Kind kind, String key, boolean ascending) {
    OrderBy parsed = OrderBy.parse(text);
    assertThat(parsed).isEqualTo(new OrderBy(new Field(kind, key), ascending));
    assertThat(OrderBy.parse(parsed.toString())).isEqualTo(parsed);
  }

  @Test
  void printsCanonically() {
    assertThat(OrderBy.parse("metric.`f1 score` desc")).hasToString("metrics.`f1 score` DESC");
    assertThat(OrderBy.parse("Created")).hasToString("attributes.start_time ASC");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // the invalid keys of MLflow's test_invalid_order_by_search_runs that stay invalid
        "m.acc                    | 0  | Unknown field type 'm'",
        "acc                      | 0  | Unknown attribute 'acc'",
        "attri.x                  | 0  | Unknown field type 'attri'",
        "`metrics.A               | 0  | Unterminated quoted name",
        "`metrics.A`              | 0  | Unknown attribute 'metrics.A'",
        "attribute.start          | 10 | Unknown attribute 'start'",
        "metrics.A != 1           | 10 | Expected ASC, DESC or the end of the order-by key",
        "attribute.run_id ACS     | 17 | but found 'ACS'",
        "attribute.run_id decs    | 17 | but found 'decs'",
        "~params.my_param ~       | 15 | Whitespace after the order-by key",
        // and, as MLflow, whitespace before the key or after the direction
        "~ params.my_param~       | 0  | Whitespace before the order-by key",
        "~metrics.a DESC  ~       | 14 | Whitespace after the order-by key",
        "~\t~                     | 0  | Whitespace before the order-by key",
        // more garbage
        "~~                       | 0  | Expected a field",
        "metrics.auc DESC DESC    | 17 | Expected the end of the order-by key",
        "metrics.auc DESCENDING   | 12 | but found 'DESCENDING'",
        "datasets.name            | 0  | Cannot order by datasets.name",
        "metrics.auc, params.lr   | 11 | but found ','",
      })
  void rejectsGarbage(String text, int position, String message) {
    InvalidFilterException e =
        catchThrowableOfType(InvalidFilterException.class, () -> OrderBy.parse(text));
    assertThat(e).as("no exception for %s", text).isNotNull();
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void datasetsCannotBeSortKeys() {
    assertThatThrownBy(() -> new OrderBy(Field.dataset("name"), true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aQueryHoldsAtMostTheLimitOfOrderByKeys() {
    String[] keys = new String[RunQuery.MAX_ORDER_BY_KEYS];
    java.util.Arrays.fill(keys, "metrics.auc");
    RunQuery.Builder b = RunQuery.builder().orderBy(keys);
    assertThat(b.build().orderBy()).hasSize(RunQuery.MAX_ORDER_BY_KEYS);
    assertThatThrownBy(() -> b.orderBy("params.lr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "At most "
                + RunQuery.MAX_ORDER_BY_KEYS
                + " order-by keys are allowed, got "
                + (RunQuery.MAX_ORDER_BY_KEYS + 1));
  }
}
