package io.github.mlops4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The Breast Cancer Wisconsin (Diagnostic) data set shipped with the examples (569 samples, 30
 * numeric features, diagnosis {@code malignant} or {@code benign}; CC BY 4.0, UCI Machine Learning
 * Repository, see {@code data/README.md} next to the CSV), and what the examples derive from it.
 *
 * <p>The examples' models use the ten {@code mean_*} features, which a scoring request carries, and
 * the ten {@code worst_*} features, which the feature store supplies by {@code sample_id}.
 * Everything derived here (splits, resamples, shifted copies) is seeded, so every run gives the
 * same data.
 */
public final class BreastCancer {
  /** Class-path location of the CSV file. */
  public static final String RESOURCE =
      "/io/github/mlops4j/examples/data/breast_cancer_wisconsin.csv";

  /** File name of the CSV file. */
  public static final String FILE_NAME = "breast_cancer_wisconsin.csv";

  /** The entity key column. */
  public static final String ID = "sample_id";

  /** The label column. */
  public static final String LABEL = "diagnosis";

  /** Label value of a malignant mass. */
  public static final String MALIGNANT = "malignant";

  /** Label value of a benign mass. */
  public static final String BENIGN = "benign";

  private static final List<String> MEASURES =
      List.of(
          "radius",
          "texture",
          "perimeter",
          "area",
          "smoothness",
          "compactness",
          "concavity",
          "concave_points",
          "symmetry",
          "fractal_dimension");
  private static final List<String> MEAN = MEASURES.stream().map(m -> "mean_" + m).toList();
  private static final List<String> WORST = MEASURES.stream().map(m -> "worst_" + m).toList();
  private static final List<String> MODEL = concat(MEAN, WORST);

  private BreastCancer() {}

  /**
   * One sample: its id, its diagnosis and its 30 features by name, in file order.
   *
   * @param id the stable sample id, {@code S0001} to {@code S0569}
   * @param diagnosis {@link #MALIGNANT} or {@link #BENIGN}
   * @param features feature name to value
   */
  public record Sample(String id, String diagnosis, Map<String, Double> features) {
    /** Copies the features, keeping their order. */
    public Sample {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(diagnosis, "diagnosis");
      features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /** The value of {@code feature}; an unknown name is an error naming the known ones. */
    public double value(String feature) {
      Double v = features.get(feature);
      if (v == null) {
        throw new IllegalArgumentException(
            "Unknown feature '" + feature + "'; known: " + features.keySet());
      }
      return v;
    }

    /** The values of {@code names}, by name, in the order given. */
    public Map<String, Double> select(List<String> names) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String n : names) {
        out.put(n, value(n));
      }
      return out;
    }

    /** A copy whose listed features are replaced by {@code f(value)}. */
    public Sample map(Map<String, DoubleUnaryOperator> changes) {
      Map<String, Double> copy = new LinkedHashMap<>(features);
      changes.forEach((name, f) -> copy.put(name, f.applyAsDouble(value(name))));
      return new Sample(id, diagnosis, copy);
    }
  }

  /**
   * A stratified split.
   *
   * @param train the training samples
   * @param test the held-out samples
   */
  public record Split(List<Sample> train, List<Sample> test) {
    /** Copies both lists. */
    public Split {
      train = List.copyOf(train);
      test = List.copyOf(test);
    }
  }

  /** The ten {@code mean_*} features: what a scoring request carries. */
  public static List<String> meanFeatures() {
    return MEAN;
  }

  /** The ten {@code worst_*} features: what the feature store supplies by sample id. */
  public static List<String> worstFeatures() {
    return WORST;
  }

  /** The twenty features the examples' models use: {@code mean_*}, then {@code worst_*}. */
  public static List<String> modelFeatures() {
    return MODEL;
  }

  /** Reads the 569 samples from the class path, in file order. */
  public static List<Sample> load() {
    try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "The data set "
                + RESOURCE
                + " is not on the class path; run from the mlops-examples module");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /** Writes the CSV file into {@code directory} (created if needed) and returns its path. */
  public static Path copyTo(Path directory) {
    try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The data set " + RESOURCE + " is not on the class path");
      }
      Files.createDirectories(directory);
      Path target = directory.resolve(FILE_NAME);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy the data set into " + directory, e);
    }
  }

  /**
   * Splits {@code samples} into train and test, keeping the share of each diagnosis in both.
   *
   * @param testShare share of each class held out, in (0, 1)
   * @param seed shuffling seed
   */
  public static Split split(List<Sample> samples, double testShare, long seed) {
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException("testShare must be in (0, 1), was " + testShare);
    }
    List<Sample> train = new ArrayList<>();
    List<Sample> test = new ArrayList<>();
    for (String diagnosis : List.of(MALIGNANT, BENIGN)) {
      List<Sample> group =
          new ArrayList<>(samples.stream().filter(s -> s.diagnosis().equals(diagnosis)).toList());
      shuffle(group, new SplittableRandom(seed ^ diagnosis.hashCode()));
      int nTest = (int) Math.round(group.size() * testShare);
      test.addAll(group.subList(0, nTest));
      train.addAll(group.subList(nTest, group.size()));
    }
    shuffle(train, new SplittableRandom(seed + 1));
    shuffle(test, new SplittableRandom(seed + 2));
    return new Split(train, test);
  }

  /** {@code n} samples drawn with replacement from {@code samples}, seeded. */
  public static List<Sample> resample(List<Sample> samples, int n, long seed) {
    if (samples.isEmpty() || n < 0) {
      throw new IllegalArgumentException(
          "Need samples to draw from and n >= 0, had " + samples.size() + " samples and n = " + n);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(samples.get(random.nextInt(samples.size())));
    }
    return out;
  }

  /** Every sample with its listed features replaced by {@code f(value)}. */
  public static List<Sample> shift(List<Sample> samples, Map<String, DoubleUnaryOperator> changes) {
    return samples.stream().map(s -> s.map(changes)).toList();
  }

  /**
   * A Tribuo data set of {@code samples} over {@code features}, labelled by diagnosis.
   *
   * @param description names the data in the model's provenance
   */
  public static MutableDataset<Label> dataset(
      List<Sample> samples, List<String> features, String description) {
    LabelFactory factory = new LabelFactory();
    List<Example<Label>> examples = new ArrayList<>(samples.size());
    String[] names = features.toArray(String[]::new);
    for (Sample s : samples) {
      double[] values = new double[names.length];
      for (int i = 0; i < names.length; i++) {
        values[i] = s.value(names[i]);
      }
      examples.add(new ArrayExample<>(factory.generateOutput(s.diagnosis()), names, values));
    }
    ListDataSource<Label> source =
        new ListDataSource<>(
            examples, factory, new SimpleDataSourceProvenance(description, factory));
    return new MutableDataset<>(source);
  }

  /** A Tribuo data set of {@code samples} over the twenty {@link #modelFeatures()}. */
  public static MutableDataset<Label> dataset(List<Sample> samples, String description) {
    return dataset(samples, MODEL, description);
  }

  /** Writes {@code samples} as CSV with the data set's header (id, diagnosis, 30 features). */
  public static void writeCsv(List<Sample> samples, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        List<String> names =
            samples.isEmpty() ? MODEL : List.copyOf(samples.get(0).features().keySet());
        out.write(ID + "," + LABEL + "," + String.join(",", names) + "\n");
        StringBuilder line = new StringBuilder();
        for (Sample s : samples) {
          line.setLength(0);
          line.append(s.id()).append(',').append(s.diagnosis());
          for (String n : names) {
            line.append(',').append(s.value(n));
          }
          out.write(line.append('\n').toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static List<Sample> parse(BufferedReader reader) throws IOException {
    // The shipped file is plain numeric CSV without quoting; its shape is checked line by line.
    String header = reader.readLine();
    if (header == null) {
      throw new IllegalStateException(RESOURCE + " is empty");
    }
    List<String> columns = Arrays.asList(header.split(","));
    if (columns.size() != 32 || !columns.get(0).equals(ID) || !columns.get(1).equals(LABEL)) {
      throw new IllegalStateException(RESOURCE + " has an unexpected header: " + header);
    }
    List<Sample> samples = new ArrayList<>(569);
    String line;
    int lineNumber = 1;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      String[] cells = line.split(",", -1);
      if (cells.length != columns.size()) {
        throw new IllegalStateException(
            RESOURCE
                + " line "
                + lineNumber
                + " has "
                + cells.length
                + " cells, expected "
                + columns.size());
      }
      Map<String, Double> features = new LinkedHashMap<>();
      for (int i = 2; i < cells.length; i++) {
        features.put(columns.get(i), Double.parseDouble(cells[i]));
      }
      samples.add(new Sample(cells[0], cells[1], features));
    }
    return List.copyOf(samples);
  }

  private static void shuffle(List<Sample> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
