package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.ListProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.ObjectProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.RootProvenanceProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.protos.DenseTensorProto;
import org.tribuo.math.protos.SparseTensorProto;
import org.tribuo.math.protos.TensorProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.WeightedEnsembleModelProto;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Model loading against hostile files: every class name in a protobuf model is checked before
 * Tribuo sees it, malformed provenance and nesting are refused, and the Java serialization filter
 * is bounded. The hostile files are real models with fields rewritten.
 */
class TribuoLoaderTest {
  /** Not in an allowed package; its static initializer records that it ran. */
  static final String EVIL = "io.github.mlops4j.registry.EvilStaticInit";

  static final String EVIL_RAN = "mlops4j.test.EvilStaticInit.initialized";

  @TempDir Path temp;
  ModelRegistry registry;
  int files;

  @BeforeEach
  void open() {
    registry =
        ModelRegistry.builder().workspace(temp.resolve("ws")).pollInterval(Duration.ZERO).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private ModelVersion register(byte[] bytes, String format) throws Exception {
    Path file = Files.write(temp.resolve("model-" + files++), bytes);
    return registry.register("m", ModelArtifact.file(file, format), null);
  }

  private ModelVersion registerProtobuf(byte[] bytes) throws Exception {
    return register(bytes, ModelArtifact.TRIBUO_PROTOBUF);
  }

  private static byte[] churn() {
    return Models.churn(1).serialize().toByteArray();
  }

  // ------------------------------------------------------------------ class names at any depth

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tribuo.core.FeatureDomainProto.class_name",
        "tribuo.core.VariableInfoProto.class_name",
        "tribuo.core.OutputDomainProto.class_name",
        "tribuo.math.NormalizerProto.class_name",
        "tribuo.math.ParametersProto.class_name",
        "tribuo.math.TensorProto.class_name",
        "olcut.ObjectProvenanceProto.provenance_class_name",
        "olcut.SimpleProvenanceProto.provenance_class_name",
        "olcut.ObjectProvenanceProto.object_class_name",
        "tribuo.core.ModelProto.class_name"
      })
  void aClassNameOutsideTheAllowedPackages_anywhereInTheFile_isRefusedBeforeItsClassIsInitialized(
      String field) throws Exception {
    byte[] model = churn();
    assertThat(ModelFiles.strings(model, field))
        .as("a real model has " + field)
        .isNotEmpty()
        .allSatisfy(
            name ->
                assertThat(name)
                    .satisfiesAnyOf(
                        n -> assertThat(n).startsWith("org.tribuo."),
                        n -> assertThat(n).startsWith(ProtobufModelCheck.OLCUT_PROVENANCE)));
    ModelVersion v = registerProtobuf(ModelFiles.rewriteStrings(model, field, s -> EVIL));

    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining(EVIL)
        .hasMessageContaining("outside the allowed packages")
        .hasMessageContaining("not loaded");
    assertThat(System.getProperty(EVIL_RAN)).as("the static initializer ran").isNull();
  }

  @Test
  void aSameLengthClassNamePatchedIntoTheBytes_isRefusedBeforeItsClassIsInitialized()
      throws Exception {
    String evil = "io.github.mlops4j.registry.EvilExp";
    byte[] patched = ModelFiles.patch(churn(), "org.tribuo.math.util.ExpNormalizer", evil);
    ModelVersion v = registerProtobuf(patched);

    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining(evil)
        .hasMessageContaining("tribuo.math.NormalizerProto.class_name");
    assertThat(System.getProperty("mlops4j.test.EvilExp.initialized")).isNull();
  }

  @Test
  void anEnumProvenanceNamingAClassOutsideTheAllowedPackages_isRefused() throws Exception {
    String evil = "io.github.mlops4j.registry.EvilEnum";
    byte[] model =
        ModelFiles.transform(
            churn(),
            m -> {
              if (!m.getDescriptorForType().getFullName().equals("olcut.SimpleProvenanceProto")) {
                return m;
              }
              var smp =
                  ModelFiles.as(
                      m,
                      com.oracle.labs.mlrg.olcut.config.protobuf.protos.SimpleProvenanceProto
                          .getDefaultInstance());
              if (!smp.getKey().equals("host-short-name")) {
                return m;
              }
              return ModelFiles.dynamic(
                  smp.toBuilder()
                      .setProvenanceClassName(ProtobufModelCheck.ENUM_PROVENANCE)
                      .setAdditional(evil)
                      .setValue("A")
                      .build());
            });
    assertThat(ModelFiles.strings(model, "olcut.SimpleProvenanceProto.additional")).contains(evil);
    ModelVersion v = registerProtobuf(model);

    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("enum class " + evil);
    assertThat(System.getProperty("mlops4j.test.EvilEnum.initialized")).isNull();
  }

  @Test
  void classesOfAnotherAllowedPackage_mustBeAllowedByTheBuilder() throws Exception {
    byte[] model =
        ModelFiles.rewriteStrings(
            churn(), "olcut.ObjectProvenanceProto.object_class_name", s -> "com.example.Trainer");
    ModelVersion v = registerProtobuf(model);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("com.example.Trainer");
    try (ModelRegistry wider =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowedModelPackages("org.tribuo.", "com.example.")
            .build()) {
      assertThat(wider.loadTribuo(v, Label.class).predict(Models.example(1, 10)).getOutput())
          .isEqualTo(Models.churn(1).predict(Models.example(1, 10)).getOutput());
    }
  }

  // ------------------------------------------------------------------ structure

  @Test
  void anEmptyFile_isReportedAsEmpty() throws Exception {
    ModelVersion v = registerProtobuf(new byte[0]);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("empty file (0 bytes)")
        .hasMessageNotContaining("names model class");
  }

  @Test
  void truncatedOrGarbageBytes_areNotAWellFormedModel() throws Exception {
    byte[] model = churn();
    ModelVersion truncated = registerProtobuf(java.util.Arrays.copyOf(model, model.length / 2));
    assertThatThrownBy(() -> registry.loadTribuo(truncated, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("not a well-formed");
    byte[] garbage = new byte[200];
    new Random(7).nextBytes(garbage);
    ModelVersion random = registerProtobuf(garbage);
    assertThatThrownBy(() -> registry.loadTribuo(random, Label.class))
        .isInstanceOf(UnsafeModelException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tribuo.core.ModelProto",
        "tribuo.core.VariableInfoProto",
        "tribuo.core.RealIDInfoProto",
        "olcut.SimpleProvenanceProto",
        "google.protobuf.Any",
        "tribuo.math.impl.DenseTensorProto"
      })
  void unknownFields_atAnyDepth_areRefused(String type) throws Exception {
    byte[] model = ModelFiles.withUnknownField(churn(), type);
    assertThat(model).as("the model has a " + type).hasSizeGreaterThan(churn().length);
    ModelVersion v = registerProtobuf(model);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("unknown fields [999]")
        .hasMessageContaining(type);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "type.googleapis.com/evil.Payload",
        "type.googleapis.com/tribuo.core.NoSuchProto",
        "type.googleapis.com/tribuo.core.ModelProto$Builder",
        "type.googleapis.com/tribuo.interop.tensorflow.TensorFlowNativeModelProto",
        ""
      })
  void aPayloadOfAnUnknownType_isRefused(String typeUrl) throws Exception {
    ModelProto real = ModelProto.parseFrom(churn());
    byte[] model =
        real.toBuilder()
            .setSerializedData(real.getSerializedData().toBuilder().setTypeUrl(typeUrl))
            .build()
            .toByteArray();
    ModelVersion v = registerProtobuf(model);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("payload");
  }

  @Test
  void nestingDeeperThanTheBound_isRefused() throws Exception {
    ModelProto model = ModelProto.parseFrom(churn());
    for (int i = 0; i < ProtobufModelCheck.MAX_DEPTH; i++) {
      model =
          ModelProto.newBuilder()
              .setVersion(0)
              .setClassName("org.tribuo.ensemble.WeightedEnsembleModel")
              .setSerializedData(
                  Any.pack(
                      WeightedEnsembleModelProto.newBuilder()
                          .addModels(model)
                          .addWeights(1f)
                          .build()))
              .build();
    }
    ModelVersion v = registerProtobuf(model.toByteArray());
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("more than 100 deep");
  }

  private static byte[] withProvenance(byte[] model, UnaryOperator<RootProvenanceProto> change) {
    return ModelFiles.transform(
        model,
        m ->
            m.getDescriptorForType().getFullName().equals("olcut.RootProvenanceProto")
                ? ModelFiles.dynamic(
                    change.apply(ModelFiles.as(m, RootProvenanceProto.getDefaultInstance())))
                : m);
  }

  private static int size(RootProvenanceProto p) {
    return p.getOmpCount() + p.getSmpCount() + p.getMmpCount() + p.getLmpCount();
  }

  /** Adds list entries to the provenance and makes the first object refer to the first one. */
  private static RootProvenanceProto withLists(RootProvenanceProto p, List<List<Integer>> lists) {
    int n = size(p);
    RootProvenanceProto.Builder b = p.toBuilder();
    for (int i = 0; i < lists.size(); i++) {
      b.addLmp(
          ListProvenanceProto.newBuilder()
              .setIndex(n + i)
              .addAllValues(lists.get(i).stream().map(x -> x + n).toList()));
    }
    ObjectProvenanceProto first = b.getOmp(0);
    return b.setOmp(0, first.toBuilder().putValues("hostile", n)).build();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aProvenanceReferringToItself_isRefused_notAStackOverflow() throws Exception {
    ModelVersion v =
        registerProtobuf(withProvenance(churn(), p -> withLists(p, List.of(List.of(0)))));
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("malformed provenance");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aProvenanceSharingLists_isRefused_notDecodedExponentially() throws Exception {
    // 60 lists, each holding the next one twice: OLCUT would decode 2^60 entries.
    List<List<Integer>> lists = new java.util.ArrayList<>();
    for (int i = 0; i < 59; i++) {
      lists.add(List.of(i + 1, i + 1));
    }
    lists.add(List.of());
    ModelVersion v = registerProtobuf(withProvenance(churn(), p -> withLists(p, lists)));
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("referenced more than once");
  }

  @Test
  void aProvenanceNestedDeeperThanTheBound_isRefused() throws Exception {
    List<List<Integer>> lists = new java.util.ArrayList<>();
    for (int i = 0; i < ProtobufModelCheck.MAX_PROVENANCE_DEPTH; i++) {
      lists.add(List.of(i + 1));
    }
    lists.add(List.of());
    ModelVersion v = registerProtobuf(withProvenance(churn(), p -> withLists(p, lists)));
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("nested more than");
  }

  @Test
  void aProvenanceIndexOutOfRange_isRefused() throws Exception {
    ModelVersion v =
        registerProtobuf(
            withProvenance(
                churn(),
                p ->
                    p.toBuilder()
                        .setOmp(0, p.getOmp(0).toBuilder().putValues("hostile", 1_000_000))
                        .build()));
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("missing entry 1000000");
  }

  @Test
  void aDenseTensorWhoseShapeOverflows_isRefused_notAllocated() throws Exception {
    // 65,536 x 65,536 overflows Tribuo's int product to 0, so no values pass its own check and
    // it allocates 32 GiB.
    byte[] model =
        ModelFiles.transform(
            churn(),
            m ->
                !m.getDescriptorForType().getFullName().equals("tribuo.math.impl.DenseTensorProto")
                    ? m
                    : ModelFiles.dynamic(
                        DenseTensorProto.newBuilder()
                            .addDimensions(65_536)
                            .addDimensions(65_536)
                            .build()));
    ModelVersion v = registerProtobuf(model);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("dense tensor of shape [65536, 65536] holding 0 values");
  }

  @Test
  void aSparseMatrixDeclaringBillionsOfRows_isRefused_notAllocated() throws Exception {
    SparseTensorProto sparse =
        SparseTensorProto.newBuilder()
            .addDimensions(Integer.MAX_VALUE)
            .addDimensions(3)
            .setNumNonZero(1)
            .setIndices(com.google.protobuf.ByteString.copyFrom(new byte[8]))
            .setValues(com.google.protobuf.ByteString.copyFrom(new byte[8]))
            .build();
    byte[] model =
        ModelFiles.transform(
            churn(),
            m ->
                !m.getDescriptorForType().getFullName().equals("tribuo.math.TensorProto")
                    ? m
                    : ModelFiles.dynamic(
                        TensorProto.newBuilder()
                            .setVersion(0)
                            .setClassName("org.tribuo.math.la.DenseSparseMatrix")
                            .setSerializedData(Any.pack(sparse))
                            .build()));
    ModelVersion v = registerProtobuf(model);
    assertThatThrownBy(() -> registry.loadTribuo(v, Label.class))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("sparse tensor of shape [2147483647, 3], more rows than");
  }

  // ------------------------------------------------------------------ real models still load

  @Test
  void wrongOutputType_isAShortMessageNamingBothTypes() {
    ModelVersion label = registry.register("loan", Models.churn(1), null);
    ModelVersion regressor = registry.register("price", regression(), null);

    assertThatThrownBy(() -> registry.loadTribuo(label, Regressor.class))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "loan v1 is a Label model, not Regressor; load it with"
                + " loadTribuo(version, Label.class)")
        .hasNoCause();
    assertThatThrownBy(() -> registry.loadTribuo(regressor, Label.class))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("price v1 is a Regressor model, not Label")
        .message()
        .hasSizeLessThan(200)
        .doesNotContain("provenance");
  }

  @Test
  void realModels_passTheCheckAndLoad() throws Exception {
    Model<Label> churn = Models.churn(3);
    Model<Label> fromCsv = csvTrained();
    Model<Label> ensemble = ensembleOfEnsembles();
    Model<Regressor> regression = regression();
    for (Model<Label> m : List.of(churn, fromCsv, ensemble)) {
      ModelVersion v = registry.register("m", m, null);
      Model<Label> loaded = registry.loadTribuo(v, Label.class);
      assertThat(loaded.predict(example()).getOutputScores())
          .isEqualTo(m.predict(example()).getOutputScores());
    }
    ModelVersion r = registry.register("r", regression, null);
    assertThat(registry.loadTribuo(r, Regressor.class).predict(regressionExample()).getOutput())
        .isEqualTo(regression.predict(regressionExample()).getOutput());
  }

  @Test
  void realJavaSerializedModels_stillLoadThroughTheBoundedFilter() throws Exception {
    try (ModelRegistry allowing =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization(ModelRegistry.TRIBUO_SERIAL_FILTER)
            .build()) {
      for (Model<Label> m : List.of(Models.churn(3), csvTrained(), ensembleOfEnsembles())) {
        ModelVersion v =
            register(ModelFiles.javaSerialized(m), ModelArtifact.TRIBUO_JAVA_SERIALIZED);
        assertThat(allowing.loadTribuo(v, Label.class).predict(example()).getOutputScores())
            .isEqualTo(m.predict(example()).getOutputScores());
      }
      Model<Regressor> regression = regression();
      ModelVersion r =
          register(ModelFiles.javaSerialized(regression), ModelArtifact.TRIBUO_JAVA_SERIALIZED);
      assertThat(allowing.loadTribuo(r, Regressor.class).predict(regressionExample()).getOutput())
          .isEqualTo(regression.predict(regressionExample()).getOutput());
    }
  }

  // ------------------------------------------------------------------ Java serialization

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aNestedHashSetBomb_isRefusedByTheFilter() throws Exception {
    // 40 levels, 2.3 KB: hashing it visits 2^40 sets (CPU-bound for hours, within maxdepth=100).
    byte[] bomb = ModelFiles.hashSetBomb(40);
    assertThat(bomb.length).isLessThan(2_500);
    ModelVersion v = register(bomb, ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    try (ModelRegistry allowing =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization(ModelRegistry.TRIBUO_SERIAL_FILTER)
            .build()) {
      assertThatThrownBy(() -> allowing.loadTribuo(v, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("filter refused")
          .hasMessageContaining("at depth 25");
    }
  }

  @Test
  void aHugeArrayLength_isRefusedBeforeItIsAllocated() throws Exception {
    ModelVersion v =
        register(ModelFiles.javaSerialized(new long[1]), ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    byte[] bytes = ModelFiles.javaSerialized(new long[1]);
    // The array length is the 4 bytes before the single 8-byte element at the end.
    int at = bytes.length - 12;
    bytes[at] = 0x7f;
    bytes[at + 1] = (byte) 0xff;
    bytes[at + 2] = (byte) 0xff;
    bytes[at + 3] = (byte) 0xf0;
    ModelVersion huge = register(bytes, ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    try (ModelRegistry allowing =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization(ModelRegistry.TRIBUO_SERIAL_FILTER)
            .build()) {
      assertThatThrownBy(() -> allowing.loadTribuo(v, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("not a Tribuo model");
      assertThatThrownBy(() -> allowing.loadTribuo(huge, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("filter refused")
          .hasMessageContaining("array length 2147483632");
    }
  }

  @Test
  void aClassOutsideTheFilter_isRefusedBeforeItIsInitialized_andNullIsNotAModel() throws Exception {
    byte[] evil =
        ModelFiles.patch(
            ModelFiles.javaSerialized(new GoodSerializable()),
            "GoodSerializable",
            "EvilSerializable");
    ModelVersion v = register(evil, ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    ModelVersion nothing =
        register(ModelFiles.javaSerialized(null), ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    try (ModelRegistry allowing =
        ModelRegistry.builder()
            .store(registry.store())
            .pollInterval(Duration.ZERO)
            .allowJavaSerialization(ModelRegistry.TRIBUO_SERIAL_FILTER)
            .build()) {
      assertThatThrownBy(() -> allowing.loadTribuo(v, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("class io.github.mlops4j.registry.EvilSerializable");
      assertThat(System.getProperty("mlops4j.test.EvilSerializable.initialized")).isNull();
      assertThatThrownBy(() -> allowing.loadTribuo(nothing, Label.class))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("holds null");
    }
  }

  // ------------------------------------------------------------------ models for the tests

  private Model<Label> csvTrained() throws Exception {
    Path csv = temp.resolve("train.csv");
    StringBuilder b = new StringBuilder("tenure,spend,churn\n");
    Random random = new Random(5);
    for (int i = 0; i < 200; i++) {
      double tenure = random.nextDouble() * 10;
      double spend = random.nextDouble() * 100;
      b.append(tenure)
          .append(',')
          .append(spend)
          .append(',')
          .append(tenure < 3 && spend < 50 ? "yes" : "no")
          .append('\n');
    }
    Files.writeString(csv, b);
    var source = new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "churn");
    return new LogisticRegressionTrainer().train(new MutableDataset<>(source));
  }

  private static Model<Label> ensembleOfEnsembles() {
    WeightedEnsembleModel<Label> inner =
        WeightedEnsembleModel.createEnsembleFromExistingModels(
            "inner", List.of(Models.churn(1), Models.churn(2)), new VotingCombiner());
    return WeightedEnsembleModel.createEnsembleFromExistingModels(
        "outer", List.of(inner, Models.churn(4)), new VotingCombiner());
  }

  static Model<Regressor> regression() {
    RegressionFactory factory = new RegressionFactory();
    MutableDataset<Regressor> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic spend", factory), factory);
    Random random = new Random(9);
    for (int i = 0; i < 200; i++) {
      double tenure = random.nextDouble() * 10;
      data.add(
          new ArrayExample<>(
              new Regressor("spend", 3 * tenure + random.nextGaussian()),
              new String[] {"tenure"},
              new double[] {tenure}));
    }
    return new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 5, 1L).train(data);
  }

  private static ArrayExample<Label> example() {
    return Models.example(2, 40);
  }

  private static ArrayExample<Regressor> regressionExample() {
    return new ArrayExample<>(
        RegressionFactory.UNKNOWN_REGRESSOR, new String[] {"tenure"}, new double[] {4});
  }
}
