package io.github.mlops4j.console;

import io.github.mlops4j.monitoring.DriftRecorder;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.RunInfo;
import java.util.Map;

/**
 * Artifact downloads and stored drift reports. The path of a URL never names a file: the run is
 * found by id, the artifact by its logged path in the run's own list, and its bytes are read by
 * digest through {@link io.github.mlops4j.tracking.Tracker#openArtifact}, which checks them.
 */
final class Artifacts {
  private Artifacts() {}

  static ConsoleResponse download(Sources s, Params p) {
    RunInfo run = run(s, p.require("run"));
    String path = p.require("path");
    ArtifactInfo a = find(run, path);
    Map<String, String> h = ConsoleHandler.securityHeaders(ConsoleHandler.CONTENT_SECURITY_POLICY);
    h.put("Content-Type", "application/octet-stream");
    h.put("Content-Disposition", "attachment; filename=\"" + fileName(a.path()) + "\"");
    h.put("X-Content-Digest", "sha-256=" + a.digest());
    String id = run.runId();
    return new ConsoleResponse(200, h, a.sizeBytes(), () -> s.tracker().openArtifact(id, a.path()));
  }

  /** The HTML report a {@link DriftRecorder} stored with a window, in a sandbox. */
  static ConsoleResponse driftReport(Sources s, Params p) {
    RunInfo run = run(s, p.require("run"));
    if (!run.tags().containsKey(DriftRecorder.MODEL_TAG)) {
      throw new Params.NotFound("Run " + run.runId() + " holds no drift report");
    }
    ArtifactInfo a = find(run, DriftRecorder.HTML_ARTIFACT);
    Map<String, String> h = ConsoleHandler.securityHeaders(ConsoleHandler.REPORT_POLICY);
    h.put("Content-Type", "text/html; charset=utf-8");
    String id = run.runId();
    return new ConsoleResponse(200, h, a.sizeBytes(), () -> s.tracker().openArtifact(id, a.path()));
  }

  static RunInfo run(Sources s, String id) {
    return s.tracker()
        .findRun(id)
        .orElseThrow(() -> new Params.NotFound("No run has the id '" + Params.cut(id) + "'"));
  }

  private static ArtifactInfo find(RunInfo run, String path) {
    for (ArtifactInfo a : run.artifacts()) {
      if (a.path().equals(path)) {
        return a;
      }
    }
    throw new Params.NotFound("Run " + run.runId() + " has no artifact '" + Params.cut(path) + "'");
  }

  /** The last path segment, reduced to characters safe in a quoted header value. */
  static String fileName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length() && b.length() < 100; i++) {
      char c = name.charAt(i);
      b.append(
          (c >= 'a' && c <= 'z')
                  || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9')
                  || c == '.'
                  || c == '-'
                  || c == '_'
              ? c
              : '_');
    }
    return b.length() == 0 ? "artifact" : b.toString();
  }
}
