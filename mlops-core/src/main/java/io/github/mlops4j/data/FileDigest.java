package io.github.mlops4j.data;

/**
 * What hashing one file yields.
 *
 * @param digest SHA-256 of the content, 64 lowercase hex
 * @param size bytes read
 * @param lines number of lines (newline bytes, plus one for a last line without a newline), or -1
 *     when lines were not counted
 */
record FileDigest(String digest, long size, long lines) {}
