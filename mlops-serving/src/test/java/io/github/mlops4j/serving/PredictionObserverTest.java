package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An observer sees each predict call once from start to end, with its prediction or failure. */
class PredictionObserverTest {
  @TempDir Path workspace;

  /** Records the calls it sees: "start churn", then "end <id> v<version> <route>" or the error. */
  static class Recording implements PredictionObserver {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public Object onStart(String model) {
      seen.add("start " + model);
      return "ctx-" + seen.size();
    }

    @Override
    public void onEnd(
        @Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error) {
      seen.add(
          context
              + (prediction != null
                  ? " end "
                      + prediction.id()
                      + " v"
                      + prediction.version()
                      + " "
                      + prediction.route()
                  : " failed " + error.getClass().getSimpleName()));
    }
  }

  @Test
  void seesEachCallWithItsPredictionOrFailure() {
    Recording observer = new Recording();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").observer(observer).build()) {
        Prediction ok = churn.predict(TestModels.request(1, 1, 1));
        Prediction timed = churn.predict(TestModels.request(-1, -1, 1), Duration.ofMinutes(1));
        assertThatThrownBy(() -> churn.predict(Map.of("x1", "not a number")))
            .isInstanceOf(InvalidInputException.class);
        assertThat(observer.seen)
            .containsExactly(
                "start churn",
                "ctx-1 end " + ok.id() + " v1 primary",
                "start churn",
                "ctx-3 end " + timed.id() + " v1 primary",
                "start churn",
                "ctx-5 failed InvalidInputException");
        churn.close();
        assertThatThrownBy(() -> churn.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(ModelUnavailableException.class);
        assertThat(observer.seen).endsWith("ctx-7 failed ModelUnavailableException");
      }
    }
  }

  @Test
  void anObserverFailingInOnEnd_neverReplacesThePredictionOrTheCallsOwnError() {
    List<String> ends = new java.util.concurrent.CopyOnWriteArrayList<>();
    PredictionObserver failing =
        new PredictionObserver() {
          @Override
          public @Nullable Object onStart(String model) {
            return null;
          }

          @Override
          public void onEnd(
              @Nullable Object context,
              @Nullable Prediction prediction,
              @Nullable Throwable error) {
            ends.add(prediction != null ? "ok" : error.getClass().getSimpleName());
            throw new IllegalStateException("a broken tracing bridge");
          }
        };
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").observer(failing).build()) {
        assertThat(churn.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(1);
        assertThat(churn.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(1);
        assertThatThrownBy(() -> churn.predict(Map.of("x1", "not a number")))
            .isInstanceOf(InvalidInputException.class);
        assertThat(ends).containsExactly("ok", "ok", "InvalidInputException");
      }
    }
  }

  /** Records list calls: "list churn <size> <batchJob>", then "<context> end" or the error. */
  static final class ListRecording extends Recording {
    @Override
    public Object onStartList(String model, int size, boolean batchJob) {
      seen.add("list " + model + " " + size + " " + batchJob);
      return "list-" + seen.size();
    }

    @Override
    public void onEndList(@Nullable Object context, @Nullable Throwable error) {
      seen.add(context + (error == null ? " end" : " failed " + error.getClass().getSimpleName()));
    }
  }

  @Test
  void seesEachPredictAllOnce_withTheFailureItThrows_andNotItsRequestsOneByOne() {
    ListRecording observer = new ListRecording();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").observer(observer).build()) {
        List<Prediction> all =
            churn.predictAll(List.of(TestModels.request(1, 1, 1), TestModels.request(-1, -1, 1)));
        assertThat(all).hasSize(2);
        assertThatThrownBy(
                () ->
                    churn.predictAll(
                        List.of(TestModels.request(1, 1, 1), Map.of("x1", "not a number"))))
            .isInstanceOf(InvalidInputException.class);
        assertThat(observer.seen)
            .containsExactly(
                "list churn 2 false",
                "list-1 end",
                "list churn 2 false",
                "list-3 failed InvalidInputException");
      }
    }
  }

  @Test
  void anObserverWithoutListMethods_seesNoListCall() {
    Recording observer = new Recording();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").observer(observer).build()) {
        assertThat(churn.predictAll(List.of(TestModels.request(1, 1, 1)))).hasSize(1);
        assertThat(observer.seen).isEmpty();
      }
    }
  }

  @Test
  void observerIsRequiredToBeNonNull() {
    assertThatThrownBy(() -> InferenceService.builder().observer(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("observer");
  }
}
