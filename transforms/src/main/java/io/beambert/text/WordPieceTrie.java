package io.beambert.text;

import java.util.Arrays;

/**
 * Greedy longest-match lookup over the vocabulary, char by char, without building substrings.
 *
 * <p>Two steps per piece. First, one hash probe asks whether the whole rest of the word is a
 * vocabulary entry (true for most words), which is then the longest match. Otherwise one trie holding
 * every token is walked char by char; pieces after the first of a word are matched from the node
 * reached by {@code "##"}. The children of the root and of that node are dense arrays; all other
 * edges live in one open-addressing hash table keyed by (node, char). Ids are the LAST line holding a
 * token, like the reference's dict.
 */
final class WordPieceTrie {
  private static final int NONE = -1;

  private final int[] rootChildren = new int[65536];
  private final int[] suffixChildren = new int[65536];
  private long[] keys;
  private int[] values;
  private int mask;
  private int shift;
  private int[] tokenId;
  private int nodes;
  final int unkId;

  // Whole-piece tables: most words (and most remainders) are themselves vocabulary entries, and one
  // hash probe over the chars is cheaper than a trie walk. Entries are ids; chars live in one pool.
  private final char[] pool;
  private final int[] poolStart;
  private final int[] wholeTable;
  private final int[] suffixTable;
  private final int tableMask;
  private final int[] asciiWhole = new int[128];
  private final int[] asciiSuffix = new int[128];

  WordPieceTrie(String[] lines) {
    Arrays.fill(rootChildren, NONE);
    Arrays.fill(suffixChildren, NONE);
    int totalChars = 0;
    for (String line : lines) {
      totalChars += line.length();
    }
    tokenId = new int[totalChars + 3];
    Arrays.fill(tokenId, NONE);
    nodes = 1;
    int cap = Integer.highestOneBit(Math.max(16, totalChars * 2)) << 1;
    keys = new long[cap];
    values = new int[cap];
    Arrays.fill(keys, -1L);
    mask = cap - 1;
    shift = 64 - Integer.numberOfTrailingZeros(cap);
    // The "##" node, from which pieces after the first are matched.
    int suffixRoot = child(child(0, '#', true), '#', true);
    int unk = NONE;
    for (int i = 0; i < lines.length; i++) {
      String token = lines[i];
      int node = 0;
      for (int k = 0; k < token.length(); k++) {
        node = child(node, token.charAt(k), true);
      }
      tokenId[node] = i;
      if (token.equals(Vocab.UNK)) {
        unk = i;
      }
    }
    unkId = unk;

    pool = new char[totalChars];
    poolStart = new int[lines.length + 1];
    int o = 0;
    for (int i = 0; i < lines.length; i++) {
      lines[i].getChars(0, lines[i].length(), pool, o);
      poolStart[i] = o;
      o += lines[i].length();
    }
    poolStart[lines.length] = o;
    int tableSize = Integer.highestOneBit(Math.max(16, lines.length * 4)) << 1;
    wholeTable = new int[tableSize];
    suffixTable = new int[tableSize];
    Arrays.fill(wholeTable, NONE);
    Arrays.fill(suffixTable, NONE);
    tableMask = tableSize - 1;
    Arrays.fill(asciiWhole, NONE);
    Arrays.fill(asciiSuffix, NONE);
    for (int i = 0; i < lines.length; i++) {
      int start = poolStart[i];
      int end = poolStart[i + 1];
      if (end - start == 1 && pool[start] < 128) {
        asciiWhole[pool[start]] = i;
      } else if (end - start == 3 && pool[start] == '#' && pool[start + 1] == '#'
          && pool[start + 2] < 128) {
        asciiSuffix[pool[start + 2]] = i;
      }
      boolean suffix = end - start > 2 && pool[start] == '#' && pool[start + 1] == '#';
      if (end > start) {
        insert(wholeTable, i, start, end);
      }
      if (suffix) {
        insert(suffixTable, i, start + 2, end);
      }
    }
    // Dense copies of the two hot fan-outs.
    for (int c = 0; c < 65536; c++) {
      rootChildren[c] = child(0, (char) c, false);
      suffixChildren[c] = child(suffixRoot, (char) c, false);
    }
  }


  private static int hash(char[] w, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + w[i];
    }
    return h * 0x9E3779B9;
  }

  /** Inserts line {@code id} keyed by {@code pool[start, end)}; a later line replaces an earlier one. */
  private void insert(int[] table, int id, int start, int end) {
    int slot = (hash(pool, start, end) >>> 7) & tableMask;
    while (true) {
      int other = table[slot];
      if (other == NONE) {
        table[slot] = id;
        return;
      }
      int os = table == suffixTable ? poolStart[other] + 2 : poolStart[other];
      if (Arrays.equals(pool, os, poolStart[other + 1], pool, start, end)) {
        table[slot] = id;
        return;
      }
      slot = (slot + 1) & tableMask;
    }
  }

  /**
   * The id of the vocabulary entry equal to {@code w[start, end)} (prefixed by "##" when {@code
   * suffix}), or -1.
   */
  int whole(char[] w, int start, int end, boolean suffix) {
    if (end - start == 1 && w[start] < 128) {
      return (suffix ? asciiSuffix : asciiWhole)[w[start]];
    }
    int[] table = suffix ? suffixTable : wholeTable;
    int slot = (hash(w, start, end) >>> 7) & tableMask;
    int len = end - start;
    while (true) {
      int id = table[slot];
      if (id == NONE) {
        return NONE;
      }
      int os = poolStart[id] + (suffix ? 2 : 0);
      if (poolStart[id + 1] - os == len && same(pool, os, w, start, len)) {
        return id;
      }
      slot = (slot + 1) & tableMask;
    }
  }

  /** A plain loop: pieces are short, where the intrinsic's setup costs more than it saves. */
  private static boolean same(char[] a, int aFrom, char[] b, int bFrom, int len) {
    for (int i = 0; i < len; i++) {
      if (a[aFrom + i] != b[bFrom + i]) {
        return false;
      }
    }
    return true;
  }

  private int child(int node, char c, boolean create) {
    long key = ((long) node << 16) | c;
    int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == -1L) {
        if (!create) {
          return NONE;
        }
        keys[slot] = key;
        values[slot] = nodes;
        return nodes++;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Finds the longest vocabulary piece {@code w[start, e)} (prefixed by "##" when {@code start > 0})
   * with {@code start < e <= end} ending on a code point boundary.
   *
   * @return {@code (long) e << 32 | id}, or -1 when no piece matches
   */
  long longest(char[] w, int start, int end) {
    int node = (start == 0 ? rootChildren : suffixChildren)[w[start]];
    if (node == NONE) {
      return -1L;
    }
    long best = -1L;
    int i = start + 1;
    while (true) {
      int id = tokenId[node];
      if (id != NONE && (i == end || (w[i] & 0xFC00) != 0xDC00)) {
        best = ((long) i << 32) | id;
      }
      if (i == end) {
        return best;
      }
      long key = ((long) node << 16) | w[i];
      int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
      long k;
      while ((k = keys[slot]) != key) {
        if (k == -1L) {
          return best;
        }
        slot = (slot + 1) & mask;
      }
      node = values[slot];
      i++;
    }
  }
}
