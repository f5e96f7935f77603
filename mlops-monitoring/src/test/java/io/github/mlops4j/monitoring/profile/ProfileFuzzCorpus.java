package io.github.mlops4j.monitoring.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed corpus of {@link ProfileFuzzTest}: real profiles made by this library and the
 * sketch images inside them. Run it from the module directory when the format changes:
 *
 * <pre>{@code
 * mvn -pl mlops-monitoring -am test-compile
 * java -cp "mlops-monitoring/target/test-classes:mlops-monitoring/target/classes:$(cat cp.txt)" \
 *     io.github.mlops4j.monitoring.profile.ProfileFuzzCorpus mlops-monitoring/src/test/resources
 * }</pre>
 *
 * (with the test class path in {@code cp.txt}, from {@code mvn dependency:build-classpath}).
 * Findings of fuzzing runs are added to the same directories by hand, named {@code crash-…}.
 */
public final class ProfileFuzzCorpus {
  private ProfileFuzzCorpus() {}

  static Map<String, Profile> profiles() {
    Map<String, Profile> out = new LinkedHashMap<>();
    out.put("golden", ProfileFormatTest.goldenProfile());
    out.put("sketched", ProfileHostileInputTest.realProfile());
    ProfileSchema empty = ProfileSchema.builder().numeric("a", "b").binary("c").build();
    out.put("empty", Profile.empty(empty));
    KllSketchRandom.seed(1);
    ProfileSchema big =
        ProfileSchema.builder()
            .numeric("x", "y")
            .categorical("c")
            .kllK(16)
            .exactCategoryLimit(4)
            .frequentItemsMapSize(16)
            .build();
    ProfileAccumulator acc = ProfileAccumulator.create(big);
    double[] xs = ProfileSamples.normal(2, 3000, 10, 3);
    for (int i = 0; i < xs.length; i++) {
      acc.update(
          new double[] {xs[i], i % 7 == 0 ? Double.NaN : i % 5},
          new String[] {i % 11 == 0 ? null : "c" + (i * 7919 % 37)});
    }
    out.put("large", acc.take());
    ProfileSchema one = ProfileSchema.builder().numeric("v").categorical("w").build();
    ProfileAccumulator single = ProfileAccumulator.create(one);
    single.update(new double[] {-0.0}, new String[] {"\u00e9t\u00e9 \ud83d\ude00"});
    out.put("single", single.take());
    ProfileAccumulator extreme = ProfileAccumulator.create(one);
    for (double v : new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 0}) {
      extreme.update(new double[] {v}, new String[] {""});
    }
    out.put("extreme", extreme.take());
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path root =
        Path.of(args.length > 0 ? args[0] : "src/test/resources")
            .resolve("io/github/mlops4j/monitoring/profile/ProfileFuzzTestInputs");
    Path json = Files.createDirectories(root.resolve("fromJson"));
    Path kll = Files.createDirectories(root.resolve("kllImage"));
    Path items = Files.createDirectories(root.resolve("frequentItemsImage"));
    for (Map.Entry<String, Profile> e : profiles().entrySet()) {
      Profile p = e.getValue();
      Files.write(json.resolve(e.getKey() + ".json"), p.toBytes());
      var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toBytes());
      int i = 0;
      for (var c : tree.get("columns")) {
        if (c.has("kll")) {
          Files.write(
              kll.resolve(e.getKey() + "-" + i),
              Base64.getDecoder().decode(c.get("kll").textValue()));
        }
        if (c.has("frequentItems")) {
          Files.write(
              items.resolve(e.getKey() + "-" + i),
              Base64.getDecoder().decode(c.get("frequentItems").textValue()));
        }
        i++;
      }
    }
    Files.writeString(json.resolve("not-a-profile.json"), "{\"format\":\"other\"}");
    Files.writeString(
        json.resolve("newer.json"), "{\"format\":\"mlops4j-profile\",\"schemaVersion\":2}");
  }
}
