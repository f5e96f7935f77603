package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The persisted signature format is pinned by a golden file. */
class SignatureJsonTest {
  private static final ModelSignature SIGNATURE =
      new ModelSignature(
          List.of(
              new FeatureSpec("tenure", FeatureSpec.Type.REAL),
              new FeatureSpec("plan", FeatureSpec.Type.CATEGORICAL)),
          "Label",
          List.of("no", "yes"));

  private static String golden() throws Exception {
    try (InputStream in = SignatureJsonTest.class.getResourceAsStream("signature-v1.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void writesTheGoldenFormat() throws Exception {
    assertThat(SignatureJson.write(SIGNATURE)).isEqualTo(golden());
  }

  @Test
  void readsTheGoldenFormat() throws Exception {
    assertThat(SignatureJson.read(golden())).isEqualTo(SIGNATURE);
  }

  @Test
  void refusesAnUnknownSchemaVersion() {
    assertThatThrownBy(() -> SignatureJson.read("{\"schemaVersion\":2,\"inputs\":[]}"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("schema version 2");
  }

  @Test
  void refusesDuplicateKeys_insteadOfKeepingTheLast() {
    assertThatThrownBy(
            () ->
                SignatureJson.read(
                    "{\"schemaVersion\":1,\"inputs\":[],"
                        + "\"outputType\":\"Label\",\"outputType\":\"Regressor\",\"outputLabels\":[]}"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Duplicate field 'outputType'");
    assertThatThrownBy(
            () ->
                SignatureJson.read(
                    "{\"schemaVersion\":1,\"inputs\":[{\"name\":"
                        + "\"a\",\"type\":\"REAL\",\"name\":\"b\"}],\"outputType\":\"Label\"}"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void refusesDeepNestingAndBoundsItsMessages() {
    String deep = "{\"schemaVersion\":1,\"inputs\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThatThrownBy(() -> SignatureJson.read(deep))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("nesting depth");
    String longType =
        "{\"schemaVersion\":1,\"inputs\":[{\"name\":\"a\",\"type\":\""
            + "X".repeat(100_000)
            + "\"}],\"outputType\":\"Label\",\"outputLabels\":[]}";
    assertThatThrownBy(() -> SignatureJson.read(longType))
        .isInstanceOf(RegistryException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void signatureOfATribuoModel_listsItsDomains() {
    ModelSignature sig = ModelSignature.of(Models.churn(1));
    assertThat(sig.inputNames()).containsExactly("spend", "tenure");
    assertThat(sig.outputLabels()).containsExactlyInAnyOrder("no", "yes");
  }
}
