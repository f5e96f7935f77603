package io.github.mlops4j.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The entries of the test class path, for tests that build a class loader of their own (to hide an
 * optional dependency, say). Shared with other modules' tests through mlops-core's test jar.
 */
public final class TestClassPath {
  private TestClassPath() {}

  /** The test class path, also when the runner hides it behind a manifest-only jar. */
  public static List<String> entries() throws IOException, URISyntaxException {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("surefirebooter") && entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
          for (String u : cp.split(" ")) {
            if (!u.isBlank()) {
              out.add(new File(new URI(u)).getPath());
            }
          }
        }
      } else {
        out.add(entry);
      }
    }
    return out;
  }
}
