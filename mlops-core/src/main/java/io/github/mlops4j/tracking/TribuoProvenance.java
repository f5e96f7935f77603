package io.github.mlops4j.tracking;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.provenance.ModelProvenance;

/**
 * Records the provenance of a Tribuo model on a run: the trainer's configuration and the training
 * data's description as params, the Tribuo, Java and OS versions as tags, and the full provenance
 * as the text artifact {@value #ARTIFACT}.
 *
 * <p>Tribuo ({@code org.tribuo:tribuo-core}) is an optional dependency of mlops-core: only hosts
 * that call this class need it on the class path. Params are immutable, so log the provenance of
 * one model per run (use child runs for several). A value longer than the param limit is left out
 * of the params; it is still in the artifact.
 *
 * <pre>{@code
 * Model<Label> model = trainer.train(dataset);
 * TribuoProvenance.log(run, model);
 * }</pre>
 *
 * @since 0.1.0
 */
// Optional dependency: callers of this class require it themselves (see module-info).
@SuppressWarnings("exports")
public final class TribuoProvenance {
  /** Path of the provenance artifact within the run. */
  public static final String ARTIFACT = "tribuo/provenance.txt";

  private TribuoProvenance() {}

  /**
   * Logs {@code model}'s provenance to {@code run}.
   *
   * @return the params that were logged
   */
  public static Map<String, String> log(Run run, Model<?> model) {
    ModelProvenance provenance = model.getProvenance();
    TrackingLimits limits = run.limits();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("tribuo.model.class", provenance.getClassName());
    flatten("tribuo.trainer", provenance.getTrainerProvenance(), params, limits, 0);
    flatten("tribuo.dataset", provenance.getDatasetProvenance(), params, limits, 0);
    run.logParams(params);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("tribuo.version", provenance.getTribuoVersion());
    tags.put("tribuo.java.version", provenance.getJavaVersion());
    tags.put("tribuo.os", provenance.getOS());
    tags.put("tribuo.arch", provenance.getArch());
    tags.put("tribuo.trained-at", provenance.getTrainingTime().toString());
    run.setTags(tags);
    try {
      Path file = Files.createTempFile("tribuo-provenance", ".txt");
      try {
        Files.writeString(
            file, ProvenanceUtil.formattedProvenanceString(provenance), StandardCharsets.UTF_8);
        run.logArtifact(file, ARTIFACT);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the provenance of " + provenance.getClassName(), e);
    }
    return Map.copyOf(params);
  }

  /** Primitive values become params; nested objects (an optimiser, a data source) recurse. */
  private static void flatten(
      String prefix,
      ObjectProvenance provenance,
      Map<String, String> out,
      TrackingLimits limits,
      int depth) {
    if (depth > 4) {
      return;
    }
    Iterator<Pair<String, Provenance>> it = provenance.iterator();
    while (it.hasNext()) {
      Pair<String, Provenance> entry = it.next();
      String key = prefix + "." + entry.getA().replaceAll("[^A-Za-z0-9_\\-. /]", "_");
      Provenance value = entry.getB();
      if (value instanceof PrimitiveProvenance<?> primitive) {
        String text = String.valueOf(primitive.getValue());
        if (key.length() <= limits.maxKeyLength()
            && text.length() <= limits.maxParamValueLength()) {
          out.put(key, text);
        }
      } else if (value instanceof ObjectProvenance nested) {
        flatten(key, nested, out, limits, depth + 1);
      }
    }
  }
}
