import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks that every mlops4j class in the given jars has class-file major version 61 (Java 17), so
 * the strict build (javac of a newer JDK with --release 17) still makes jars that run on Java 17.
 * Run with the source launcher: {@code java .ci/ClassVersions.java <jar>...}.
 */
public final class ClassVersions {
  private static final int JAVA_17 = 61;

  public static void main(String[] args) throws IOException {
    List<String> bad = new ArrayList<>();
    int classes = 0;
    for (String arg : args) {
      try (ZipFile jar = new ZipFile(Path.of(arg).toFile())) {
        for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          String name = entry.getName();
          if (!name.startsWith("io/github/mlops4j/") || !name.endsWith(".class")) {
            continue;
          }
          try (InputStream in = jar.getInputStream(entry);
              DataInputStream data = new DataInputStream(in)) {
            int magic = data.readInt();
            data.readUnsignedShort(); // minor
            int major = data.readUnsignedShort();
            classes++;
            if (magic != 0xCAFEBABE || major != JAVA_17) {
              bad.add(arg + "!/" + name + ": major version " + major);
            }
          }
        }
      }
    }
    if (classes == 0) {
      System.err.println("ClassVersions: no mlops4j class found in " + List.of(args));
      System.exit(1);
    }
    if (!bad.isEmpty()) {
      bad.forEach(System.err::println);
      System.err.println("ClassVersions: " + bad.size() + " classes are not Java 17 (61)");
      System.exit(1);
    }
    System.out.println(
        "ClassVersions: " + classes + " classes in " + args.length + " jars, all Java 17 (61)");
  }
}
