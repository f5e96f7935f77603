package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunInput;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** JSON shapes shared by the pages. */
final class Json {
  private Json() {}

  static void put(ObjectNode n, String key, @Nullable Instant t) {
    if (t == null) {
      n.putNull(key);
    } else {
      n.put(key, t.toString());
    }
  }

  /** A number, or a string for NaN and infinities (JSON has no such numbers). */
  static void put(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.put(key, Double.toString(v));
    }
  }

  static void strings(ObjectNode n, String key, Map<String, String> map) {
    ObjectNode o = n.putObject(key);
    new TreeMap<>(map).forEach(o::put);
  }

  static @Nullable Duration duration(RunInfo r) {
    return r.endTime().map(e -> Duration.between(r.startTime(), e)).orElse(null);
  }

  /** A run's attributes, params, tags and latest metrics. */
  static ObjectNode run(ObjectNode n, RunInfo r, String experimentName) {
    n.put("runId", r.runId());
    n.put("runName", r.runName());
    n.put("experimentId", r.experimentId());
    n.put("experiment", experimentName);
    n.put("status", r.status().name());
    n.put("user", r.userId());
    put(n, "startTime", r.startTime());
    put(n, "endTime", r.endTime().orElse(null));
    Duration d = duration(r);
    if (d == null) {
      n.putNull("durationMillis");
    } else {
      n.put("durationMillis", d.toMillis());
    }
    n.put("deleted", r.deleted());
    if (r.parentRunId().isPresent()) {
      n.put("parentRunId", r.parentRunId().get());
    }
    strings(n, "params", r.params());
    strings(n, "tags", r.tags());
    ObjectNode m = n.putObject("metrics");
    new TreeMap<>(r.metrics()).forEach((k, p) -> point(m.putObject(k), p));
    return n;
  }

  static void point(ObjectNode n, MetricPoint p) {
    put(n, "value", p.value());
    n.put("step", p.step());
    put(n, "timestamp", p.timestamp());
  }

  static void inputs(ArrayNode a, Iterable<RunInput> inputs) {
    for (RunInput i : inputs) {
      ObjectNode n = a.addObject();
      n.put("name", i.dataset().name());
      n.put("digest", i.dataset().digest());
      n.put("context", i.context());
      n.put("sizeBytes", i.dataset().sizeBytes());
      n.put("fileCount", i.dataset().fileCount());
      if (i.dataset().rowCount() != null) {
        n.put("rowCount", i.dataset().rowCount());
      }
    }
  }

  static void artifacts(ArrayNode a, Iterable<ArtifactInfo> artifacts) {
    for (ArtifactInfo i : artifacts) {
      ObjectNode n = a.addObject();
      n.put("path", i.path());
      n.put("digest", i.digest());
      n.put("sizeBytes", i.sizeBytes());
    }
  }
}
