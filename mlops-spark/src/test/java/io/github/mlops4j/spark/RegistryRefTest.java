package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryRefTest {
  @TempDir Path tmp;

  @Test
  void thePasswordIsNeitherSerializedNorShown() throws Exception {
    RegistryRef ref =
        RegistryRef.jdbc("jdbc:postgresql://db/mlops")
            .user("mlops")
            .password("s3cret-pw")
            .artifactRoot(tmp)
            .allowedModelPackages("org.tribuo.", "com.example.")
            .build();
    byte[] bytes = serialize(ref);
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("s3cret-pw");
    RegistryRef copy = deserialize(bytes);
    assertThat(copy.toString()).isEqualTo(ref.toString()).doesNotContain("s3cret-pw");
    assertThat(copy.allowedModelPackages()).containsExactly("org.tribuo.", "com.example.");
  }

  @Test
  void credentialsInTheJdbcUrlAreNotShown() {
    RegistryRef ref =
        RegistryRef.jdbc("jdbc:postgresql://u:s3cret-pw@db:5432/mlops?password=s3cret-pw&ssl=true")
            .artifactRoot(tmp)
            .build();
    assertThat(ref.toString())
        .doesNotContain("s3cret-pw")
        .contains("jdbc:postgresql://***@db:5432/mlops?...");
    assertThat(RegistryRef.redacted("jdbc:sqlserver://db;user=u;password=s3cret-pw"))
        .isEqualTo("jdbc:sqlserver://db?...");
    assertThat(RegistryRef.redacted("jdbc:sqlite:/data/mlops.db"))
        .isEqualTo("jdbc:sqlite:/data/mlops.db");
  }

  @Test
  void aJdbcRegistryNeedsItsArtifactRootAndAJdbcUrl() {
    assertThatThrownBy(() -> RegistryRef.jdbc("jdbc:sqlite:x.db").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("artifactRoot");
    assertThatThrownBy(() -> RegistryRef.jdbc("postgresql://db/" + "x".repeat(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(516 chars)");
    assertThatThrownBy(() -> RegistryRef.workspace(tmp).allowJavaSerialization("maxdepth=x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aJdbcRefOpensTheSameRegistryAsTheWorkspace() {
    Path ws = tmp.resolve("ws");
    try (ModelRegistry r = ModelRegistry.open(ws)) {
      r.register("churn", ChurnData.classifier(1), null);
    }
    RegistryRef ref =
        RegistryRef.jdbc("jdbc:sqlite:" + ws.resolve("mlops.db"))
            .artifactRoot(ws.resolve("artifacts"))
            .build();
    try (RegistryRef.Opened opened = ref.open()) {
      assertThat(opened.registry().resolve("churn", "latest")).isPresent();
      assertThat(opened.pool()).isNotNull();
    }
  }

  @Test
  void theRegistryIsOpenedReadOnly_andAMissingWorkspaceIsNeverCreated() throws Exception {
    Path ws = tmp.resolve("ro");
    try (ModelRegistry r = ModelRegistry.open(ws)) {
      r.register("churn", ChurnData.classifier(1), null);
    }
    java.nio.file.attribute.FileTime before =
        java.nio.file.Files.getLastModifiedTime(ws.resolve("mlops.db"));
    try (RegistryRef.Opened opened = RegistryRef.workspace(ws).build().open()) {
      assertThat(opened.registry().store().openMode())
          .isEqualTo(io.github.mlops4j.store.OpenMode.READ_ONLY);
      assertThat(opened.registry().resolve("churn", "latest")).isPresent();
      assertThatThrownBy(() -> opened.registry().setAlias("churn", "champion", 1))
          .isInstanceOf(RuntimeException.class);
    }
    assertThat(java.nio.file.Files.getLastModifiedTime(ws.resolve("mlops.db"))).isEqualTo(before);

    Path missing = tmp.resolve("no-such-workspace");
    assertThatThrownBy(() -> RegistryRef.workspace(missing).build().open())
        .isInstanceOf(RuntimeException.class);
    assertThat(missing).doesNotExist();
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream s = new ObjectOutputStream(out)) {
      s.writeObject(o);
    }
    return out.toByteArray();
  }

  private static RegistryRef deserialize(byte[] b) throws IOException, ClassNotFoundException {
    try (ObjectInputStream s = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return (RegistryRef) s.readObject();
    }
  }
}
