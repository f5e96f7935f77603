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

  /** A signature with a whole-number input: schema version 2. */
  private static final ModelSignature INTEGER_SIGNATURE =
      new ModelSignature(
          List.of(
              new FeatureSpec("tenure", FeatureSpec.Type.INTEGER),
              new FeatureSpec("spend", FeatureSpec.Type.REAL)),
          "Regressor",
          List.of("variable"));

  private static String golden() throws Exception {
    return golden("signature-v1.json");
  }

  private static String golden(String file) throws Exception {
    try (InputStream in = SignatureJsonTest.class.getResourceAsStream(file)) {
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
  void writesAndReadsAnIntegerFeatureInSchemaVersion2() throws Exception {
    assertThat(SignatureJson.write(INTEGER_SIGNATURE)).isEqualTo(golden("signature-v2.json"));
    assertThat(SignatureJson.read(golden("signature-v2.json"))).isEqualTo(INTEGER_SIGNATURE);
  }

  @Test
  void refusesAnIntegerFeatureInSchemaVersion1() {
    assertThatThrownBy(
            () ->
                SignatureJson.read(
                    "{\"schemaVersion\":1,\"inputs\":[{\"name\":\"a\",\"type\":\"INTEGER\"}],"
                        + "\"outputType\":\"Label\",\"outputLabels\":[]}"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("Corrupt model signature")
        .hasMessageContaining("INTEGER needs schema version 2");
  }

  @Test
  void refusesAnUnknownSchemaVersion() {
    assertThatThrownBy(() -> SignatureJson.read("{\"schemaVersion\":3,\"inputs\":[]}"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("schema version 3")
        .hasMessageContaining("Upgrade mlops4j");
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
