package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A build-time check of a module's API line: no public or protected signature (field, method or
 * constructor parameter, return and thrown types, generic bounds, supertypes) of a public type
 * outside the {@code *.internal} packages mentions a type of an {@code *.internal} package or a
 * type that users cannot see (package-private, or nested in one). Reads the compiled classes of the
 * module (its {@code target/classes}) through reflection, without initializing them.
 */
public final class ApiSignatures {
  private static final String ROOT = "io.github.mlops4j.";

  private ApiSignatures() {}

  /**
   * Asserts that the API of the module compiled next to {@code anchor} leaks exactly the {@code
   * allowed} findings: a new leak fails, and so does an allow-list entry that no longer occurs (a
   * stale entry).
   *
   * @param anchor any main class of the module
   * @param allowed findings in the form {@link #leaks} returns them
   */
  public static void assertLeaksExactly(Class<?> anchor, Set<String> allowed) {
    assertLeaksExactly(anchor, ROOT, allowed);
  }

  static void assertLeaksExactly(Class<?> anchor, String prefix, Set<String> allowed) {
    Set<String> found = leaks(anchor, prefix);
    Set<String> unexpected = new TreeSet<>(found);
    unexpected.removeAll(allowed);
    Set<String> stale = new TreeSet<>(allowed);
    stale.removeAll(found);
    assertThat(unexpected)
        .as(
            "public signatures that mention internal or package-private types (move the type out"
                + " of *.internal, make the member non-public, or route it through an internal class)")
        .isEmpty();
    assertThat(stale).as("allow-list entries that no longer occur (remove them)").isEmpty();
  }

  /**
   * The leaks of the module compiled next to {@code anchor}, one line each: {@code <type>#<member>
   * mentions <leaked type>}.
   */
  public static Set<String> leaks(Class<?> anchor) {
    return leaks(anchor, ROOT);
  }

  /** Like {@link #leaks(Class)}, for the types whose name starts with {@code prefix} only. */
  static Set<String> leaks(Class<?> anchor, String prefix) {
    Path classes = classesDirectory(anchor);
    Set<String> out = new TreeSet<>();
    for (String name : classNames(classes)) {
      if (!name.startsWith(prefix)) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(name, false, anchor.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(name, e);
      }
      if (isInternal(type) || !isVisible(type)) {
        continue;
      }
      scan(type, out);
    }
    return out;
  }

  private static void scan(Class<?> type, Set<String> out) {
    String owner = type.getName();
    for (TypeVariable<?> v : type.getTypeParameters()) {
      check(owner + "<" + v.getName() + ">", v.getBounds(), out);
    }
    if (type.getGenericSuperclass() != null) {
      check(owner + " extends", new Type[] {type.getGenericSuperclass()}, out);
    }
    check(owner + " implements", type.getGenericInterfaces(), out);
    for (Field f : type.getDeclaredFields()) {
      if (exposed(f.getModifiers()) && !f.isSynthetic()) {
        check(owner + "#" + f.getName(), new Type[] {f.getGenericType()}, out);
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (exposed(c.getModifiers()) && !c.isSynthetic()) {
        executable(owner + "#<init>" + arity(c), c, out);
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        String member = owner + "#" + m.getName() + arity(m);
        executable(member, m, out);
        check(member, new Type[] {m.getGenericReturnType()}, out);
      }
    }
  }

  private static void executable(String member, Executable e, Set<String> out) {
    for (TypeVariable<?> v : e.getTypeParameters()) {
      check(member, v.getBounds(), out);
    }
    check(member, e.getGenericParameterTypes(), out);
    check(member, e.getGenericExceptionTypes(), out);
  }

  private static String arity(Executable e) {
    List<String> names = new ArrayList<>();
    for (Class<?> p : e.getParameterTypes()) {
      names.add(p.getSimpleName());
    }
    return "(" + String.join(",", names) + ")";
  }

  private static void check(String member, Type[] types, Set<String> out) {
    Set<Class<?>> mentioned = new HashSet<>();
    for (Type t : types) {
      collect(t, mentioned, new HashSet<>());
    }
    for (Class<?> c : mentioned) {
      if (c.getName().startsWith(ROOT) && (isInternal(c) || !isVisible(c))) {
        out.add(member + " mentions " + c.getName());
      }
    }
  }

  private static void collect(Type t, Set<Class<?>> into, Set<TypeVariable<?>> seen) {
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      into.add(c);
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), into, seen);
      if (p.getOwnerType() != null) {
        collect(p.getOwnerType(), into, seen);
      }
      for (Type a : p.getActualTypeArguments()) {
        collect(a, into, seen);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, into, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, into, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), into, seen);
    } else if (t instanceof TypeVariable<?> v && seen.add(v)) {
      for (Type b : v.getBounds()) {
        collect(b, into, seen);
      }
    }
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Public (or protected when nested), and so is every class it is nested in. */
  private static boolean isVisible(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      int m = k.getModifiers();
      if (!(Modifier.isPublic(m) || (k.getEnclosingClass() != null && Modifier.isProtected(m)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isInternal(Class<?> c) {
    String pkg = c.getPackageName();
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  private static Path classesDirectory(Class<?> anchor) {
    try {
      Path p = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(p)) {
        throw new IllegalStateException(
            "Expected the compiled classes directory of " + anchor.getName() + ", got " + p);
      }
      return p;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> classNames(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".class"))
          .map(f -> root.relativize(f).toString())
          .filter(n -> !n.endsWith("package-info.class") && !n.endsWith("module-info.class"))
          .map(
              n ->
                  n.substring(0, n.length() - ".class".length())
                      .replace(java.io.File.separatorChar, '.'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
