package io.github.mlops4j.features;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Dense ids ({@code 0, 1, 2, ...} in the order first added) for strings: an open-addressing table
 * of hash and id in one {@code long} per slot, with no node, no boxed id and a table sized for the
 * strings added rather than for the lookups to come, so a lookup touches one slot and the string it
 * is compared with. For the spine of a join, where a million rows name a few hundred thousand keys.
 *
 * <p>Strings whose hashes collide (easily made for {@code String.hashCode}, e.g. of "Aa" and "BB")
 * would turn linear probing quadratic: a string whose probe would pass {@link #MAX_PROBE} occupied
 * slots goes to an overflow {@link HashMap} instead (whose colliding buckets are trees), so a
 * lookup costs at most {@code MAX_PROBE} slots and a map lookup whatever the keys.
 */
final class StringIds {
  /** Per slot: 0 when empty, else {@code (hash << 32) | (id + 1)}. */
  private long[] table = new long[1 << 10];

  private String[] keys = new String[1 << 9];
  private int size;

  /** Strings whose probe was too long, and their ids. */
  private final Map<String, Integer> overflow = new HashMap<>();

  /** The most occupied slots a lookup or an insertion passes before the overflow map. */
  static final int MAX_PROBE = 64;

  /** The id of {@code s}, or -1 when it was never added. */
  int get(String s) {
    int h = s.hashCode();
    int mask = table.length - 1;
    int i = mix(h) & mask;
    for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
      long e = table[i];
      if (e == 0) {
        break;
      }
      if ((int) (e >>> 32) == h) {
        int id = (int) e - 1;
        if (keys[id].equals(s)) {
          return id;
        }
      }
    }
    return overflow.isEmpty() ? -1 : overflow.getOrDefault(s, -1);
  }

  /** Adds {@code s}, which must not have been added, and returns its id. */
  int add(String s) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      rehash(table.length * 2);
    }
    int id = size++;
    keys[id] = s;
    if (!put(table, s.hashCode(), id)) {
      overflow.put(s, id);
    }
    return id;
  }

  int size() {
    return size;
  }

  private void rehash(int capacity) {
    long[] grown = new long[capacity];
    for (long e : table) {
      if (e != 0) {
        int id = (int) e - 1;
        if (!put(grown, (int) (e >>> 32), id)) {
          overflow.put(keys[id], id);
        }
      }
    }
    table = grown;
  }

  /** Puts the id in the first free slot within {@link #MAX_PROBE}; false if there is none. */
  private static boolean put(long[] table, int h, int id) {
    int mask = table.length - 1;
    int i = mix(h) & mask;
    for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
      if (table[i] == 0) {
        table[i] = ((long) h << 32) | ((id + 1) & 0xFFFF_FFFFL);
        return true;
      }
    }
    return false;
  }

  /** How many strings live in the overflow map (for tests). */
  int overflowSize() {
    return overflow.size();
  }

  /** Spreads a string hash over the table (strings that differ in their last character only). */
  private static int mix(int h) {
    int x = h * 0x9E37_79B9;
    return x ^ (x >>> 16);
  }
}
