package io.github.mlops4j.spark;

import io.github.mlops4j.serving.internal.DetachedScoring;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/**
 * The body of the SQL function: Spark's Java UDF interfaces have one per arity ({@code UDF1} to
 * {@code UDF22}), so the function is a proxy of the one whose arity is the model's input count, and
 * this handler scores the positional arguments as the model's inputs in signature order.
 */
final class ScoringFunction implements InvocationHandler, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final Broadcast<ScoringPayload> payload;
  private final ExecutorModels.Key key;
  private final String[] inputs;
  private final int version;
  private final String seed;
  private final RowPositions positions = new RowPositions();

  ScoringFunction(
      Broadcast<ScoringPayload> payload,
      ExecutorModels.Key key,
      List<String> inputs,
      int version,
      String seed) {
    this.payload = payload;
    this.key = key;
    this.inputs = inputs.toArray(String[]::new);
    this.version = version;
    this.seed = seed;
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) {
    switch (method.getName()) {
      case "call":
        return call(args == null ? new Object[0] : args);
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return args != null && proxy == args[0];
      case "toString":
        return "mlops4j scoring function v" + version;
      default:
        throw new UnsupportedOperationException(method.getName());
    }
  }

  private Object call(@Nullable Object[] args) {
    Map<String, @Nullable Object> request = new HashMap<>(inputs.length * 2);
    for (int i = 0; i < inputs.length; i++) {
      request.put(inputs[i], args[i]);
    }
    DetachedScoring.Outcome o =
        ExecutorModels.scorer(key, payload::value).score(List.of(request)).get(0);
    return RowFactory.create(ScoringTask.tail(o, positions.nextId(seed), version));
  }
}
