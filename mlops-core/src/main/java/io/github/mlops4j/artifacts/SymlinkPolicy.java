package io.github.mlops4j.artifacts;

/**
 * What happens to symbolic links found while a directory tree is listed to be stored (run
 * artifacts) or hashed (dataset versions). The directory that is passed in may itself be a link: it
 * was named by the caller and is always followed.
 *
 * @since 0.1.0
 */
public enum SymlinkPolicy {
  /**
   * The default. A link (or chain of links) that ends at a regular file inside the tree is read as
   * that file, under the link's own path. A link that ends outside the tree, a link to a directory
   * (inside or outside: it could list files twice or loop) and a dangling link are refused with an
   * error naming the link and its target. Nothing outside the tree is ever read.
   */
  WITHIN_TREE,

  /**
   * Like {@link #WITHIN_TREE}, except that a link that ends at a regular file outside the tree is
   * followed too and that file's content stored under the link's path. Links to directories and
   * dangling links are still refused. Only for trees from a trusted source: a link can name any
   * file the process may read (credentials, {@code /etc/passwd}).
   */
  FOLLOW_FILES_OUTSIDE
}
