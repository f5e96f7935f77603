package io.github.mlops4j.serving;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;

/** Clustering: the cluster id as text, and its score under {@code score}. */
final class ClusterAdapter extends OutputAdapter<ClusterID> {
  @Override
  Class<ClusterID> type() {
    return ClusterID.class;
  }

  @Override
  ClusterID unknown() {
    return ClusteringFactory.UNASSIGNED_CLUSTER_ID;
  }

  @Override
  boolean usable(org.tribuo.@Nullable Prediction<ClusterID> p) {
    return p != null && p.getOutput() != null && p.getOutput().getID() >= 0;
  }

  @Override
  String output(org.tribuo.Prediction<ClusterID> p) {
    return Integer.toString(p.getOutput().getID());
  }

  @Override
  Map<String, Double> scores(org.tribuo.Prediction<ClusterID> p) {
    return Map.of("score", p.getOutput().getScore());
  }
}
