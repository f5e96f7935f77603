package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's "Use it as a dependency" snippet names real artifacts, and the BOM it imports
 * manages every library module of the build.
 */
class ReadmeDependencyTest {
  private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);

  private static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mlops4j-bom/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("No mlops4j-bom/pom.xml above the working directory");
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String[]> dependencies(Document doc) {
    List<String[]> out = new ArrayList<>();
    NodeList deps = doc.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      out.add(
          new String[] {
            text(d, "groupId"), text(d, "artifactId"), text(d, "version"), text(d, "type")
          });
    }
    return out;
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
  }

  /** Library modules: directories with a pom and main sources, minus the never-deployed ones. */
  private static List<String> libraryModules(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.isDirectory(p.resolve("src/main/java")))
          .map(p -> p.getFileName().toString())
          .filter(
              n ->
                  !n.equals("mlops-examples")
                      && !n.equals("mlops-examples-spring")
                      && !n.equals("mlops-benchmarks"))
          .sorted()
          .toList();
    }
  }

  @Test
  void theBomManagesEveryLibraryModuleAtTheBuildsVersion() throws Exception {
    Path root = root();
    Document bom = parse(Files.readString(root.resolve("mlops4j-bom/pom.xml")));
    List<String> managed =
        dependencies(bom).stream()
            .filter(d -> d[0].equals("io.github.mlops4j") && d[3].isEmpty())
            .map(d -> d[1])
            .sorted()
            .toList();
    assertThat(managed).isEqualTo(libraryModules(root));
    // the test jars that publish SPI contract suites, each managed once
    List<String> testJars =
        dependencies(bom).stream()
            .filter(d -> d[0].equals("io.github.mlops4j") && d[3].equals("test-jar"))
            .map(d -> d[1])
            .sorted()
            .toList();
    List<String> attached = new ArrayList<>();
    for (String module : libraryModules(root)) {
      if (Files.readString(root.resolve(module).resolve("pom.xml"))
          .contains("<goal>test-jar</goal>")) {
        attached.add(module);
      }
    }
    assertThat(testJars).isEqualTo(attached).contains("mlops-core", "mlops-serving");
    assertThat(bom.getElementsByTagName("parent").getLength())
        .as("the BOM must not inherit the build's third-party versions")
        .isZero();
  }

  @Test
  void theReadmeSnippetIsWellFormedAndNamesRealArtifacts() throws Exception {
    Path root = root();
    String readme = Files.readString(root.resolve("README.md"));
    Matcher m = XML_BLOCK.matcher(readme);
    assertThat(m.find()).as("an xml block in README.md").isTrue();
    Document snippet = parse("<project>" + m.group(1) + "</project>");
    List<String> modules = libraryModules(root);
    String version =
        text(parse(Files.readString(root.resolve("pom.xml"))).getDocumentElement(), "version");
    int ours = 0;
    for (String[] d : dependencies(snippet)) {
      if (d[0].equals("io.github.mlops4j")) {
        ours++;
        assertThat(modules)
            .as("README names module %s", d[1])
            .contains(d[1].equals("mlops4j-bom") ? modules.get(0) : d[1]);
        if (d[1].equals("mlops4j-bom")) {
          assertThat(d[2]).isEqualTo(version);
        }
      }
    }
    assertThat(ours).isGreaterThanOrEqualTo(3);
    assertThat(readme)
        .contains("mlops-core")
        .contains("mlops-registry")
        .contains("mlops-monitoring")
        .contains("mlops-serving");
  }
}
