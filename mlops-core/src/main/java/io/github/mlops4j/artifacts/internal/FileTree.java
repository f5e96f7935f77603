package io.github.mlops4j.artifacts.internal;

import io.github.mlops4j.artifacts.SymlinkPolicy;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Lists the regular files of a directory tree under a {@link SymlinkPolicy}: the one check that
 * decides which links are read, shared by dataset versioning and artifact logging.
 *
 * <p>The walk never follows a link to a directory. Each link to a file is resolved to its real path
 * (the whole chain) before its target is compared with the tree's real root, so {@code a -> b ->
 * ../secret} is caught like {@code a -> ../secret}. What an entry's {@link Entry#content()} names
 * is checked when the tree is listed; a caller that reads it later should open it without following
 * links ({@link java.nio.file.LinkOption#NOFOLLOW_LINKS}) so that a file swapped for a link in
 * between is refused rather than followed.
 */
public final class FileTree {
  /**
   * A regular file of the tree.
   *
   * @param relativePath its path below the root, with {@code /} separators
   * @param content the file to read: the file itself, or the real path a link resolves to
   * @param link whether it was reached through a symbolic link
   */
  public record Entry(String relativePath, Path content, boolean link) {}

  /** Builds the caller's exception for a refused entry. */
  @FunctionalInterface
  public interface Refusal {
    RuntimeException refuse(String message, Path path, @Nullable Throwable cause);
  }

  /**
   * How errors are worded and raised.
   *
   * @param what the tree, for messages, e.g. {@code "dataset directory"}
   * @param outsideAdvice what to do about a link that leaves the tree, e.g. {@code "copy the file
   *     into the tree"}
   * @param refusal builds the exception thrown for a refused entry
   */
  public record Context(String what, String outsideAdvice, Refusal refusal) {
    public Context {
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(outsideAdvice, "outsideAdvice");
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  private FileTree() {}

  /**
   * The regular files under {@code root}, in the order the walk meets them.
   *
   * @param root the tree's real path ({@link Path#toRealPath}), a directory
   * @throws IOException if a directory cannot be listed or a link cannot be read
   * @throws RuntimeException built by the context's refusal for a FIFO, socket or device, or a link
   *     the policy refuses
   */
  public static List<Entry> list(Path root, SymlinkPolicy policy, Context context)
      throws IOException {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(context, "context");
    List<Entry> entries = new ArrayList<>();
    Files.walkFileTree(
        root,
        EnumSet.noneOf(FileVisitOption.class),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            String relativePath = relativePath(root, file);
            if (attributes.isRegularFile()) {
              entries.add(new Entry(relativePath, file, false));
            } else if (attributes.isSymbolicLink()) {
              entries.add(new Entry(relativePath, resolveLink(root, file, policy, context), true));
            } else {
              throw context
                  .refusal()
                  .refuse(
                      "file "
                          + file
                          + " in "
                          + context.what()
                          + " "
                          + root
                          + " is not a regular file (a FIFO, socket or device); remove it from the"
                          + " tree",
                      file,
                      null);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return entries;
  }

  /** The target of a link that the policy accepts: a regular file, inside the tree by default. */
  private static Path resolveLink(Path root, Path link, SymlinkPolicy policy, Context context)
      throws IOException {
    Path target;
    try {
      target = link.toRealPath();
    } catch (NoSuchFileException e) {
      throw context
          .refusal()
          .refuse(
              "symbolic link "
                  + link
                  + " in "
                  + context.what()
                  + " "
                  + root
                  + " is dangling (its target "
                  + Files.readSymbolicLink(link)
                  + " does not exist); remove the link or restore its target",
              link,
              e);
    }
    boolean inside = target.startsWith(root);
    if (!inside && policy != SymlinkPolicy.FOLLOW_FILES_OUTSIDE) {
      throw context
          .refusal()
          .refuse(
              "symbolic link "
                  + link
                  + " points to "
                  + target
                  + ", outside the "
                  + context.what()
                  + " "
                  + root
                  + "; links are only followed to files inside the tree. "
                  + context.outsideAdvice(),
              link,
              null);
    }
    BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class);
    if (attributes.isDirectory()) {
      throw context
          .refusal()
          .refuse(
              "symbolic link "
                  + link
                  + " points to directory "
                  + target
                  + "; links to directories are not followed (they would list files twice or loop)."
                  + " Remove the link",
              link,
              null);
    }
    if (!attributes.isRegularFile()) {
      throw context
          .refusal()
          .refuse(
              "symbolic link " + link + " points to " + target + ", which is not a regular file",
              link,
              null);
    }
    return target;
  }

  /** {@code file}'s path below {@code root}, with {@code /} as the separator. */
  public static String relativePath(Path root, Path file) {
    Path relative = root.relativize(file);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < relative.getNameCount(); i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(relative.getName(i));
    }
    return out.toString();
  }
}
