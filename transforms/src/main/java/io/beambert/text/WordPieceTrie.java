package io.beambert.text;

import java.util.Arrays;

/**
 * Greedy longest-match lookup over the vocabulary, char by char, without building substrings.
 *
 * <p>One trie holds every token; pieces after the first of a word are matched from the node reached
 * by {@code "##"}. The children of the root and of that node are dense arrays; all other edges live
 * in one open-addressing hash table keyed by (node, char). A node's id is the LAST line holding that
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
  private int edges;
  private int[] tokenId;
  private int nodes;
  final int unkId;

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
    // Pass 1: the "##" node first so that the suffix array can be filled while inserting.
    int hash = child(child(0, '#', true), '#', true);
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
    // Dense copies of the two hot fan-outs.
    for (int c = 0; c < 65536; c++) {
      rootChildren[c] = child(0, (char) c, false);
      suffixChildren[c] = child(hash, (char) c, false);
    }
    suffixNode = hash;
  }

  private final int suffixNode;

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
        edges++;
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
