package io.github.mlops4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image (an OCI tar built by Jib FROM scratch, profile {@code image}, on when the JDK
 * has jmods): its configuration (entrypoint, port, volume, user), and its files run as they are:
 * the layers extracted to a directory, the entrypoint started with the image's own jlink Java, the
 * workspace where the volume would be mounted, health polled until UP, a prediction, then a
 * graceful stop on SIGTERM.
 */
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  @TempDir Path root;
  @TempDir Path volume;

  static Path tar() {
    Path tar = Path.of(System.getProperty("image.tar", "target/churn-service-image.tar"));
    assertThat(tar)
        .as("the image tar: build it with mvn -B -pl mlops-examples-spring -am -Pimage verify")
        .isRegularFile();
    return tar;
  }

  @Test
  void theImageStartsTheServiceFromItsOwnFiles() throws Exception {
    Map<String, byte[]> blobs = blobs(tar());
    JsonNode index = JSON.readTree(blobs.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(blobs, index.at("/manifests/0/digest").asText()));
    JsonNode config =
        JSON.readTree(blob(blobs, manifest.at("/config/digest").asText())).get("config");

    List<String> entrypoint = new ArrayList<>();
    config.get("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    assertThat(entrypoint)
        .startsWith("/opt/java/bin/java")
        .endsWith(System.getProperty("image.main"));
    assertThat(config.at("/ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.at("/Volumes").has("/var/lib/mlops")).isTrue();
    assertThat(config.get("Env"))
        .extracting(JsonNode::asText)
        .contains("MLOPS_WORKSPACE=/var/lib/mlops");
    assertThat(config.get("User").asText()).isEqualTo("65532:65532"); // not root

    for (JsonNode layer : manifest.get("layers")) {
      extract(blob(blobs, layer.get("digest").asText()), root);
    }
    Path java = root.resolve("opt/java/bin/java");
    assertThat(Files.isExecutable(java)).as("the jlink runtime's java").isTrue();
    assertThat(root.resolve("lib64/ld-linux-x86-64.so.2")).as("the dynamic loader").isRegularFile();
    assertThat(root.resolve("opt/java/lib/modules")).isRegularFile();
    assertThat(root.resolve("opt/java/jmods")).doesNotExist();
    assertThat(root.resolve("tmp")).isDirectory();

    // the volume, as the training side leaves it
    ChurnWorkspace.fill(volume);
    List<String> command = new ArrayList<>();
    for (String arg : entrypoint) {
      command.add(inImage(arg));
    }
    command.add("--server.port=0"); // container args
    command.add("--" + ChurnWorkspace.NO_DEADLINE);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("MLOPS_WORKSPACE", volume.toString());
    pb.directory(root.resolve("app").toFile());
    Process app = pb.start();
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.add(line);
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("exited: " + log));
            });
    reader.start();
    try {
      int p = port.get(180, TimeUnit.SECONDS); // a safety net, not a timing
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + p;
      // readiness turns UP after the first model load: polled, bounded
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      HttpResponse<String> ready = get(http, base + "/actuator/health/readiness");
      while (ready.statusCode() != 200 && System.nanoTime() < until) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        ready = get(http, base + "/actuator/health/readiness");
      }
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("UP");
      assertThat(get(http, base + "/actuator/health/liveness").statusCode()).isEqualTo(200);

      HttpResponse<String> predicted = get(http, base + "/churn/c-2?tenure=2");
      assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
      assertThat(JSON.readTree(predicted.body()).get("output").asText())
          .isEqualTo(ChurnWorkspace.expected("c-2", 2));
      assertThat(JSON.readTree(predicted.body()).get("version").asInt()).isEqualTo(1);

      app.destroy(); // SIGTERM, as the kubelet stops a pod
      assertThat(app.waitFor(120, TimeUnit.SECONDS)).isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(app.exitValue()).as(String.join("\n", log)).isEqualTo(143); // 128 + SIGTERM
    } finally {
      app.destroyForcibly();
    }
  }

  @Test
  void theKubernetesManifestRunsTheImageAsItIsBuilt() throws Exception {
    Map<String, byte[]> blobs = blobs(tar());
    JsonNode index = JSON.readTree(blobs.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(blobs, index.at("/manifests/0/digest").asText()));
    JsonNode config =
        JSON.readTree(blob(blobs, manifest.at("/config/digest").asText())).get("config");

    Map<String, Object> deployment = null;
    Path file = Dashboard.file().getParent().getParent().resolve("k8s/churn-service.yaml");
    for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file))) {
      Map<String, Object> m = map(doc);
      if ("Deployment".equals(m.get("kind"))) {
        deployment = m;
      }
    }
    assertThat(deployment).as("a Deployment in " + file).isNotNull();
    Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
    Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));

    Object port = map(((List<?>) container.get("ports")).get(0)).get("containerPort");
    assertThat(config.at("/ExposedPorts").has(port + "/tcp")).as("port %s", port).isTrue();
    List<String> mounts = new ArrayList<>();
    for (Object m : (List<?>) container.get("volumeMounts")) {
      mounts.add((String) map(m).get("mountPath"));
    }
    config.at("/Volumes").fieldNames().forEachRemaining(v -> assertThat(mounts).contains(v));
    assertThat(mounts).contains("/tmp"); // the root file system is read-only
    assertThat(map(container.get("securityContext")).get("readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(String.valueOf(map(pod.get("securityContext")).get("runAsUser")))
        .isEqualTo(config.get("User").asText().split(":")[0]);
    assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
    assertThat(probePath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
    assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
    // the grace period covers both drains: the web server's, then the starter's
    assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThan(25 + 20);
  }

  private static String probePath(Map<String, Object> container, String probe) {
    return (String) map(map(container.get(probe)).get("httpGet")).get("path");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An entrypoint argument with the image's absolute paths moved under the extracted root. */
  private String inImage(String arg) {
    int eq = arg.startsWith("-D") ? arg.indexOf('=') + 1 : 0;
    String value = arg.substring(eq);
    if (!value.startsWith("/")) {
      return arg;
    }
    List<String> parts = new ArrayList<>();
    for (String part : value.split(":")) {
      parts.add(root + part);
    }
    return arg.substring(0, eq) + String.join(":", parts);
  }

  /** The files of the OCI image tar by name ({@code index.json}, {@code blobs/sha256/<hex>}). */
  private static Map<String, byte[]> blobs(Path tar) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile()) {
          out.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return out;
  }

  private static byte[] blob(Map<String, byte[]> blobs, String digest) {
    byte[] b = blobs.get("blobs/" + digest.replace(':', '/'));
    assertThat(b).as(digest).isNotNull();
    return b;
  }

  /** Extracts one gzip'd layer under {@code root}: files with their modes, directories, links. */
  private static void extract(byte[] layer, Path root) throws IOException {
    try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(layer));
        TarArchiveInputStream in = new TarArchiveInputStream(gz)) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        Path to = root.resolve(e.getName().replaceFirst("^/+", "")).normalize();
        assertThat(to.startsWith(root)).as(e.getName()).isTrue();
        if (e.isDirectory()) {
          Files.createDirectories(to);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(to.getParent());
          Files.deleteIfExists(to);
          Files.createSymbolicLink(to, Path.of(e.getLinkName()));
        } else if (e.isFile()) {
          Files.createDirectories(to.getParent());
          Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(to, permissions(e.getMode()));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder s = new StringBuilder();
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }
}
