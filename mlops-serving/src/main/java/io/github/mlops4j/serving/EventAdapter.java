package io.github.mlops4j.serving;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;

/** Anomaly detection: {@code EXPECTED} or {@code ANOMALOUS}, and the score under {@code score}. */
final class EventAdapter extends OutputAdapter<Event> {
  @Override
  Class<Event> type() {
    return Event.class;
  }

  @Override
  Event unknown() {
    return AnomalyFactory.UNKNOWN_EVENT;
  }

  @Override
  boolean usable(org.tribuo.@Nullable Prediction<Event> p) {
    return p != null && p.getOutput() != null && p.getOutput().getType() != Event.EventType.UNKNOWN;
  }

  @Override
  String output(org.tribuo.Prediction<Event> p) {
    return p.getOutput().getType().name();
  }

  @Override
  Map<String, Double> scores(org.tribuo.Prediction<Event> p) {
    return Map.of("score", p.getOutput().getScore());
  }
}
