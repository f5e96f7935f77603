package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks every relative link in the project's Markdown documents ({@link Docs#documents}): the file
 * it names exists and, when it has a {@code #fragment}, the target has a heading with that anchor
 * (GitHub's slug rule). Also flags file names of Markdown documents written in code spans ({@code
 * `docs/x.md`}) that do not exist, since readers follow those too.
 */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern CODE_MD = Pattern.compile("`((?:docs/)?[A-Za-z0-9_.-]+\\.md)`");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyRelativeLinkAndAnchorInTheDocsResolves() throws IOException {
    Path root = Docs.root();
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : Docs.documents(root)) {
      List<String> lines = prose(Files.readAllLines(doc, StandardCharsets.UTF_8));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String where = root.relativize(doc) + ":" + (i + 1);
        Matcher m = LINK.matcher(line);
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            continue; // http:, https:, mailto: — not checked offline
          }
          checked++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          String fragment = hash < 0 ? null : target.substring(hash + 1);
          Path resolved =
              file.isEmpty()
                  ? doc
                  : doc.getParent()
                      .resolve(URLDecoder.decode(file, StandardCharsets.UTF_8))
                      .normalize();
          if (!Files.exists(resolved)) {
            broken.add(where + ": " + target + " (no such file)");
          } else if (fragment != null
              && resolved.toString().endsWith(".md")
              && !anchors
                  .computeIfAbsent(resolved, DocsLinksTest::anchorsOf)
                  .contains(URLDecoder.decode(fragment, StandardCharsets.UTF_8))) {
            broken.add(where + ": " + target + " (no heading with that anchor)");
          }
        }
        Matcher c = CODE_MD.matcher(line);
        while (c.find()) {
          String name = c.group(1);
          checked++;
          boolean exists =
              Files.exists(doc.getParent().resolve(name))
                  || Files.exists(root.resolve(name))
                  || Files.exists(root.resolve("docs").resolve(name));
          if (!exists) {
            broken.add(where + ": `" + name + "` (no such document)");
          }
        }
      }
    }
    assertThat(checked).as("links checked").isGreaterThan(10);
    assertThat(broken).as("broken links in README.md and docs/").isEmpty();
  }

  @Test
  void slugsFollowGitHubsRule() {
    assertThat(
            slug("`ServingOverheadBenchmark`: online overhead of `predict(Map)` — target ≤ 1 µs"))
        .isEqualTo("servingoverheadbenchmark-online-overhead-of-predictmap--target--1-µs");
    assertThat(slug("Model registry (`RegistryBenchmark`)"))
        .isEqualTo("model-registry-registrybenchmark");
  }

  /** Lines outside fenced code blocks (a fence's content is code, not links). */
  private static List<String> prose(List<String> lines) {
    List<String> out = new ArrayList<>(lines.size());
    boolean fenced = false;
    for (String line : lines) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
        out.add("");
      } else {
        out.add(fenced ? "" : line);
      }
    }
    return out;
  }

  private static Set<String> anchorsOf(Path doc) {
    try {
      Set<String> anchors = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      for (String line : prose(Files.readAllLines(doc, StandardCharsets.UTF_8))) {
        Matcher h = HEADING.matcher(line);
        if (h.matches()) {
          String s = slug(h.group(1));
          int n = seen.merge(s, 1, Integer::sum) - 1;
          anchors.add(n == 0 ? s : s + "-" + n);
        }
      }
      return anchors;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              if (Character.isLetterOrDigit(cp) || cp == '-' || cp == '_') {
                b.appendCodePoint(cp);
              } else if (cp == ' ') {
                b.append('-');
              }
            });
    return b.toString();
  }
}
