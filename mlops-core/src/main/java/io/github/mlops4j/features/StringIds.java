package io.github.mlops4j.features;

import java.util.Arrays;

/**
 * Dense ids ({@code 0, 1, 2, ...} in the order first added) for strings: an open-addressing table
 * of hash and id in one {@code long} per slot, with no node, no boxed id and a table sized for the
 * strings added rather than for the lookups to come, so a lookup touches one slot and the string it
 * is compared with. For the spine of a join, where a million rows name a few hundred thousand keys.
 */
final class StringIds {
  /** Per slot: 0 when empty, else {@code (hash << 32) | (id + 1)}. */
  private long[] table = new long[1 << 10];

  private String[] keys = new String[1 << 9];
  private int size;

  /** The id of {@code s}, or -1 when it was never added. */
  int get(String s) {
    int h = s.hashCode();
    int mask = table.length - 1;
    for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
      long e = table[i];
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h) {
        int id = (int) e - 1;
        if (keys[id].equals(s)) {
          return id;
        }
      }
    }
  }

  /** Adds {@code s}, which must not have been added, and returns its id. */
  int add(String s) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      rehash(table.length * 2);
    }
    int id = size++;
    keys[id] = s;
    put(table, s.hashCode(), id);
    return id;
  }

  int size() {
    return size;
  }

  private void rehash(int capacity) {
    long[] grown = new long[capacity];
    for (long e : table) {
      if (e != 0) {
        put(grown, (int) (e >>> 32), (int) e - 1);
      }
    }
    table = grown;
  }

  private static void put(long[] table, int h, int id) {
    int mask = table.length - 1;
    int i = mix(h) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = ((long) h << 32) | ((id + 1) & 0xFFFF_FFFFL);
  }

  /** Spreads a string hash over the table (strings that differ in their last character only). */
  private static int mix(int h) {
    int x = h * 0x9E37_79B9;
    return x ^ (x >>> 16);
  }
}
