package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps code shown in the docs equal to code that is compiled and run. A fenced block preceded by
 * {@code <!-- snippet: path/From/Root.java#tag -->} must equal the lines between {@code //
 * tag::tag[]} and {@code // end::tag[]} of that file, indentation removed and the marker lines of
 * other tags inside it left out.
 */
class DocSnippetsTest {
  private static final Pattern MARKER = Pattern.compile("^<!-- snippet: (\\S+)#([\\w-]+) -->$");

  @Test
  void everyMarkedSnippetEqualsItsTaggedSource() throws IOException {
    Path root = Docs.root();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path doc : Docs.documents(root)) {
      List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = MARKER.matcher(lines.get(i).strip());
        if (!m.matches()) {
          continue;
        }
        String where = root.relativize(doc) + ":" + (i + 1);
        if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
          problems.add(where + ": the marker is not followed by a code fence");
          continue;
        }
        List<String> shown = new ArrayList<>();
        int j = i + 2;
        while (j < lines.size() && !lines.get(j).startsWith("```")) {
          shown.add(lines.get(j).stripTrailing());
          j++;
        }
        Path source = root.resolve(m.group(1)).normalize();
        if (!source.startsWith(root) || !Files.isRegularFile(source)) {
          problems.add(where + ": no file " + m.group(1));
          continue;
        }
        List<String> tagged =
            region(Files.readAllLines(source, StandardCharsets.UTF_8), m.group(2));
        if (tagged == null) {
          problems.add(where + ": no tag " + m.group(2) + " in " + m.group(1));
        } else if (!tagged.equals(shown)) {
          problems.add(
              where
                  + ": differs from "
                  + m.group(1)
                  + "#"
                  + m.group(2)
                  + "\n--- source\n"
                  + String.join("\n", tagged)
                  + "\n--- shown\n"
                  + String.join("\n", shown));
        }
        checked++;
      }
    }
    assertThat(checked).as("snippets checked").isGreaterThanOrEqualTo(10);
    assertThat(problems).as("doc snippets that differ from their source").isEmpty();
  }

  /**
   * Every Java block of the README is marked, so it is the compiled source of the consumer test
   * (src/it/consumer, run by maven-invoker-plugin against the installed artifacts and the BOM).
   */
  @Test
  void everyReadmeJavaBlockIsMarked() throws IOException {
    List<String> lines =
        Files.readAllLines(Docs.root().resolve("README.md"), StandardCharsets.UTF_8);
    List<String> unmarked = new ArrayList<>();
    int blocks = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```java")) {
        blocks++;
        if (i == 0 || !MARKER.matcher(lines.get(i - 1).strip()).matches()) {
          unmarked.add("README.md:" + (i + 1));
        }
      }
    }
    assertThat(blocks).as("Java blocks in the README").isGreaterThanOrEqualTo(6);
    assertThat(unmarked).as("README Java blocks without a snippet marker").isEmpty();
  }

  @Test
  void regionsDropIndentationAndNestedMarkers() {
    List<String> source =
        List.of(
            "class A {",
            "    // tag::outer[]",
            "    int a = 1;",
            "    // tag::inner[]",
            "      int b = 2;",
            "",
            "    // end::inner[]",
            "    // end::outer[]",
            "}");
    assertThat(region(source, "outer")).containsExactly("int a = 1;", "  int b = 2;", "");
    assertThat(region(source, "inner")).containsExactly("int b = 2;", "");
    assertThat(region(source, "missing")).isNull();
  }

  /** The lines of a tagged region without its common indentation, or null without the tag. */
  static List<String> region(List<String> source, String tag) {
    int start = 0;
    while (start < source.size() && !source.get(start).strip().equals("// tag::" + tag + "[]")) {
      start++;
    }
    List<String> lines = new ArrayList<>();
    for (int i = start + 1; i < source.size(); i++) {
      String line = source.get(i).stripTrailing();
      String s = line.strip();
      if (s.equals("// end::" + tag + "[]")) {
        int indent =
            lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
      }
      if (!s.startsWith("// tag::") && !s.startsWith("// end::")) {
        lines.add(line);
      }
    }
    return null;
  }
}
