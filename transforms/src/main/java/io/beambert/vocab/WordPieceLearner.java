package io.beambert.vocab;

import io.beambert.text.BertTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Learns a WordPiece vocabulary from aggregated word counts.
 *
 * <p>Input: basic-tokenized words with their corpus counts (any map order; the result does not
 * depend on it). Output: the ordered vocabulary, {@link #SPECIAL_TOKENS} first, then the alphabet
 * (word-initial characters by code point, then {@code ##}-continuation characters by code point),
 * then the merged pieces in the order they were learned.
 *
 * <p>Algorithm: every word starts as its characters, the first as itself and the others with the
 * {@code ##} continuation prefix. Adjacent symbol pairs are counted over all words, weighted by the
 * word counts, and the best pair is merged repeatedly until the vocabulary reaches its size or no
 * pair occurs at least {@code minFrequency} times. {@link Scoring#FREQUENCY} (the default) ranks a
 * pair by its count, as Hugging Face's WordPiece trainer does; {@link Scoring#LIKELIHOOD} ranks by
 * {@code count(ab) / (count(a) * count(b))}, as in the original WordPiece. Pair counts are kept up to
 * date incrementally: a merge only revisits the words that contain the merged pair, and an indexed
 * heap over pair ids gives the next best pair in logarithmic time, so a merge never re-scans the
 * corpus. Words are int arrays of symbol ids weighted by their counts.
 *
 * <p>Determinism: words are processed in sorted order, every ranking has a total order (count or
 * score, then the lower symbol ids, which are themselves assigned in a fixed order), so the same
 * counts and options always give the same vocabulary.
 *
 * <p>Characters: the {@code limitAlphabet} most frequent characters are kept (ties by code point).
 * Words with a character outside the alphabet, and words longer than {@link
 * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points, would tokenize to {@code [UNK]} whatever the vocabulary, so they take no part in merges.
 *
 * <p>Instances are immutable and thread-safe; {@link #learn} keeps all state on its own stack.
 *
 * <pre>{@code
 * LearnedVocab vocab = WordPieceLearner.create().withVocabSize(30522).learn(wordCounts);
 * }</pre>
 */
public final class WordPieceLearner {

  /** How a candidate pair is ranked. */
  public enum Scoring {
    /** The pair's count over the corpus (Hugging Face's trainer, BPE). */
    FREQUENCY,
    /** {@code count(ab) / (count(a) * count(b))} (the original WordPiece likelihood gain). */
    LIKELIHOOD
  }

  /** Special tokens, in this order, at the head of every learned vocabulary. */
  public static final List<String> SPECIAL_TOKENS =
      List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  /** Prefix of a piece that continues a word. */
  public static final String CONTINUATION_PREFIX = "##";

  public static final int DEFAULT_VOCAB_SIZE = 30522;
  public static final int DEFAULT_MIN_FREQUENCY = 2;
  public static final int DEFAULT_LIMIT_ALPHABET = 1000;

  private final int vocabSize;
  private final long minFrequency;
  private final int limitAlphabet;
  private final Scoring scoring;

  private WordPieceLearner(int vocabSize, long minFrequency, int limitAlphabet, Scoring scoring) {
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
    this.limitAlphabet = limitAlphabet;
    this.scoring = scoring;
  }

  /** A learner with the defaults: 30522 tokens, pairs seen at least twice, 1000 characters. */
  public static WordPieceLearner create() {
    return new WordPieceLearner(
        DEFAULT_VOCAB_SIZE, DEFAULT_MIN_FREQUENCY, DEFAULT_LIMIT_ALPHABET, Scoring.FREQUENCY);
  }

  /**
   * Target vocabulary size including the special tokens; default 30522, at least 6. The result is
   * smaller when no pair is frequent enough to merge, and larger only when the alphabet alone
   * exceeds it (the alphabet is never cut by the size).
   */
  public WordPieceLearner withVocabSize(int vocabSize) {
    if (vocabSize <= SPECIAL_TOKENS.size()) {
      throw new IllegalArgumentException(
          "vocabSize must be greater than " + SPECIAL_TOKENS.size() + ", got " + vocabSize);
    }
    return new WordPieceLearner(vocabSize, minFrequency, limitAlphabet, scoring);
  }

  /** Minimum corpus count of a pair for it to be merged; default 2, at least 1. */
  public WordPieceLearner withMinFrequency(long minFrequency) {
    if (minFrequency < 1) {
      throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
    }
    return new WordPieceLearner(vocabSize, minFrequency, limitAlphabet, scoring);
  }

  /** Maximum number of distinct characters kept (most frequent first); default 1000, at least 1. */
  public WordPieceLearner withLimitAlphabet(int limitAlphabet) {
    if (limitAlphabet < 1) {
      throw new IllegalArgumentException("limitAlphabet must be at least 1, got " + limitAlphabet);
    }
    return new WordPieceLearner(vocabSize, minFrequency, limitAlphabet, scoring);
  }

  /** How pairs are ranked; default {@link Scoring#FREQUENCY}. */
  public WordPieceLearner withScoring(Scoring scoring) {
    return new WordPieceLearner(
        vocabSize, minFrequency, limitAlphabet, Objects.requireNonNull(scoring, "scoring"));
  }

  public int vocabSize() {
    return vocabSize;
  }

  public long minFrequency() {
    return minFrequency;
  }

  public int limitAlphabet() {
    return limitAlphabet;
  }

  public Scoring scoring() {
    return scoring;
  }

  /**
   * Learns the vocabulary from word counts. Empty words and non-positive counts are ignored.
   *
   * @param wordCounts basic-tokenized word to its number of occurrences
   */
  public LearnedVocab learn(Map<String, Long> wordCounts) {
    String[] words =
        wordCounts.entrySet().stream()
            .filter(e -> !e.getKey().isEmpty() && e.getValue() != null && e.getValue() > 0)
            // The count of words too long for WordPiece, kept beside the words, is not a word.
            .filter(e -> !e.getKey().equals(VocabReport.TOO_LONG_WORDS))
            .map(Map.Entry::getKey)
            .sorted()
            .toArray(String[]::new);
    long[] counts = new long[words.length];
    long totalWords = 0;
    for (int i = 0; i < words.length; i++) {
      counts[i] = wordCounts.get(words[i]);
      totalWords += counts[i];
    }
    return new Run(words, counts).learn(totalWords);
  }

  /** The state of one learning run. */
  private final class Run {
    private final String[] words;
    private final long[] wordCounts;

    // Symbols: id -> string; string -> id. Ids are vocabulary positions.
    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private long[] symbolCounts = new long[1024];

    private int[][] wordSymbols;
    private long[] weights;
    private int[] wordStamp;

    private final Pairs pairs = new Pairs();
    private final PairHeap heap = new PairHeap();
    private IntList[] symbolPairs = new IntList[1024];

    Run(String[] words, long[] wordCounts) {
      this.words = words;
      this.wordCounts = wordCounts;
    }

    LearnedVocab learn(long totalWords) {
      for (String special : SPECIAL_TOKENS) {
        addSymbol(special);
      }
      int[] alphabet = chooseAlphabet();
      int alphabetSize = buildWords(alphabet);
      countPairs();
      int merges = 0;
      int mergeStamp = 0;
      int[] dirtyStamp = new int[16];
      while (symbols.size() < vocabSize && heap.size() > 0) {
        int best = heap.peek();
        int a = pairs.left[best];
        int b = pairs.right[best];
        String merged = symbols.get(a) + stripPrefix(symbols.get(b));
        int m = symbolIds.containsKey(merged) ? symbolIds.get(merged) : addSymbol(merged);
        mergeStamp++;
        merges++;
        dirtySize = 0;
        for (int w : pairs.words[best].toArray()) {
          if (wordStamp[w] != mergeStamp) {
            wordStamp[w] = mergeStamp;
            mergeWord(w, a, b, m);
          }
        }
        if (pairs.count[best] != 0) {
          throw new IllegalStateException("pair count out of sync after a merge: " + merged);
        }
        // Re-rank what changed: pairs whose counts moved, and (likelihood) every pair of a, b, m.
        if (dirtyStamp.length < pairs.size()) {
          dirtyStamp = Arrays.copyOf(dirtyStamp, Math.max(pairs.size(), dirtyStamp.length * 2));
        }
        for (int i = 0; i < dirtySize; i++) {
          int p = dirtyBuffer[i];
          if (dirtyStamp[p] != mergeStamp) {
            dirtyStamp[p] = mergeStamp;
            rank(p);
          }
        }
        if (scoring == Scoring.LIKELIHOOD) {
          rerankPairsOf(a, dirtyStamp, mergeStamp);
          if (b != a) {
            rerankPairsOf(b, dirtyStamp, mergeStamp);
          }
          rerankPairsOf(m, dirtyStamp, mergeStamp);
        }
      }
      return new LearnedVocab(
          List.copyOf(symbols), alphabetSize, merges, words.length, totalWords);
    }

    // Scratch buffer for the pair ids touched by one merge (grown as needed).
    private int[] dirtyBuffer = new int[256];
    private int dirtySize;

    private void markDirty(int pid) {
      if (dirtySize == dirtyBuffer.length) {
        dirtyBuffer = Arrays.copyOf(dirtyBuffer, dirtySize * 2);
      }
      dirtyBuffer[dirtySize++] = pid;
    }

    /** Chooses the kept characters: most frequent first, ties by code point; sorted by code point. */
    private int[] chooseAlphabet() {
      Map<Integer, Long> charCounts = new HashMap<>();
      for (int i = 0; i < words.length; i++) {
        String word = words[i];
        long count = wordCounts[i];
        for (int k = 0; k < word.length(); ) {
          int cp = word.codePointAt(k);
          charCounts.merge(cp, count, Long::sum);
          k += Character.charCount(cp);
        }
      }
      return charCounts.entrySet().stream()
          .sorted(
              (x, y) -> {
                int c = Long.compare(y.getValue(), x.getValue());
                return c != 0 ? c : Integer.compare(x.getKey(), y.getKey());
              })
          .limit(limitAlphabet)
          .mapToInt(Map.Entry::getKey)
          .sorted()
          .toArray();
    }

    /** Turns the usable words into symbol arrays; returns the alphabet size (both forms). */
    private int buildWords(int[] alphabet) {
      for (int cp : alphabet) {
        addSymbol(new String(Character.toChars(cp)));
      }
      TreeMap<Integer, Boolean> continuationChars = new TreeMap<>();
      List<int[]> codePointsOfWords = new ArrayList<>(words.length);
      List<Integer> usable = new ArrayList<>(words.length);
      for (int i = 0; i < words.length; i++) {
        int[] cps = words[i].codePoints().toArray();
        if (cps.length > BertTokenizer.MAX_INPUT_CHARS_PER_WORD || !allIn(cps, alphabet)) {
          continue;
        }
        for (int k = 1; k < cps.length; k++) {
          continuationChars.put(cps[k], Boolean.TRUE);
        }
        codePointsOfWords.add(cps);
        usable.add(i);
      }
      for (int cp : continuationChars.keySet()) {
        addSymbol(CONTINUATION_PREFIX + new String(Character.toChars(cp)));
      }
      int alphabetSize = symbols.size() - SPECIAL_TOKENS.size();
      wordSymbols = new int[usable.size()][];
      weights = new long[usable.size()];
      wordStamp = new int[usable.size()];
      for (int w = 0; w < usable.size(); w++) {
        int[] cps = codePointsOfWords.get(w);
        int[] syms = new int[cps.length];
        for (int k = 0; k < cps.length; k++) {
          String ch = new String(Character.toChars(cps[k]));
          syms[k] = symbolIds.get(k == 0 ? ch : CONTINUATION_PREFIX + ch);
        }
        wordSymbols[w] = syms;
        weights[w] = wordCounts[usable.get(w)];
        for (int s : syms) {
          symbolCounts[s] += weights[w];
        }
      }
      return alphabetSize;
    }

    private void countPairs() {
      for (int w = 0; w < wordSymbols.length; w++) {
        int[] syms = wordSymbols[w];
        for (int k = 0; k + 1 < syms.length; k++) {
          int p = pairs.idOf(syms[k], syms[k + 1]);
          if (pairs.count[p] == 0) {
            onPairRevived(p);
          }
          pairs.count[p] += weights[w];
          IntList list = pairs.words[p];
          if (list.size() == 0 || list.last() != w) {
            list.add(w);
          }
        }
      }
      for (int p = 0; p < pairs.size(); p++) {
        rank(p);
      }
    }

    /**
     * Merges every non-overlapping (a, b), left to right, in word {@code w}, in place, applying the
     * pair count changes as it goes (the pair before a merged occurrence is taken with the already
     * merged symbol, so "a b a b" ends as one (m, m) pair). Touched pairs go to the dirty buffer.
     */
    private void mergeWord(int w, int a, int b, int m) {
      int[] syms = wordSymbols[w];
      int n = syms.length;
      long weight = weights[w];
      int len = 0;
      int merged = 0;
      // Writes go to index len - 1 <= k; reads are at k, k + 1, k + 2: in-place is safe.
      for (int k = 0; k < n; ) {
        if (k + 1 < n && syms[k] == a && syms[k + 1] == b) {
          if (len > 0) {
            int prev = syms[len - 1];
            change(prev, a, -weight, w);
            change(prev, m, weight, w);
          }
          if (k + 2 < n) {
            int next = syms[k + 2];
            change(b, next, -weight, w);
            change(m, next, weight, w);
          }
          change(a, b, -weight, w);
          syms[len++] = m;
          merged++;
          k += 2;
        } else {
          syms[len++] = syms[k++];
        }
      }
      if (merged == 0) {
        return;
      }
      wordSymbols[w] = Arrays.copyOf(syms, len);
      symbolCounts[a] -= weight * merged;
      symbolCounts[b] -= weight * merged;
      ensureSymbolCapacity(m);
      symbolCounts[m] += weight * merged;
    }

    /** Adds {@code delta} to the count of pair (x, y), found in word {@code w}. */
    private void change(int x, int y, long delta, int w) {
      int p = pairs.idOf(x, y);
      if (pairs.count[p] == 0 && delta > 0) {
        onPairRevived(p);
      }
      pairs.count[p] += delta;
      IntList list = pairs.words[p];
      if (pairs.count[p] == 0) {
        list.clear();
      } else if (delta > 0 && (list.size() == 0 || list.last() != w)) {
        list.add(w);
      }
      markDirty(p);
    }

    private void onPairRevived(int p) {
      if (!pairs.listed[p]) {
        pairs.listed[p] = true;
        symbolPairsOf(pairs.left[p]).add(p);
        if (pairs.right[p] != pairs.left[p]) {
          symbolPairsOf(pairs.right[p]).add(p);
        }
      }
    }

    /** Re-ranks every live pair containing symbol s, dropping dead pairs from its list. */
    private void rerankPairsOf(int s, int[] stamp, int mergeStamp) {
      if (s >= symbolPairs.length || symbolPairs[s] == null) {
        return;
      }
      IntList list = symbolPairs[s];
      int kept = 0;
      for (int i = 0; i < list.size(); i++) {
        int p = list.get(i);
        if (pairs.count[p] == 0) {
          // Unlist from both symbols' lists lazily: the other list drops it when it is scanned.
          pairs.listed[p] = false;
          continue;
        }
        list.set(kept++, p);
        if (stamp[p] != mergeStamp) {
          stamp[p] = mergeStamp;
          rank(p);
        }
      }
      list.truncate(kept);
    }

    /** Puts pair p in the heap with its current score, or removes it when it cannot be merged. */
    private void rank(int p) {
      long count = pairs.count[p];
      if (count < minFrequency) {
        heap.remove(p);
        return;
      }
      double score;
      if (scoring == Scoring.FREQUENCY) {
        score = count;
      } else {
        score = count / ((double) symbolCounts[pairs.left[p]] * symbolCounts[pairs.right[p]]);
      }
      heap.put(p, score, count);
    }

    private IntList symbolPairsOf(int s) {
      if (s >= symbolPairs.length) {
        symbolPairs = Arrays.copyOf(symbolPairs, Math.max(s + 1, symbolPairs.length * 2));
      }
      if (symbolPairs[s] == null) {
        symbolPairs[s] = new IntList();
      }
      return symbolPairs[s];
    }

    private void ensureSymbolCapacity(int s) {
      if (s >= symbolCounts.length) {
        symbolCounts = Arrays.copyOf(symbolCounts, Math.max(s + 1, symbolCounts.length * 2));
      }
    }

    private int addSymbol(String symbol) {
      int id = symbols.size();
      symbols.add(symbol);
      symbolIds.put(symbol, id);
      ensureSymbolCapacity(id);
      return id;
    }

    /** Heap order: higher score first, then higher count, then lower left id, then lower right. */
    private final class PairHeap {
      private int[] heap = new int[1024];
      private int size;
      private int[] position = new int[1024]; // pair id -> index + 1; 0 when absent
      // Keys as of the last put: the heap never reads live counts, which change mid-merge.
      private double[] score = new double[1024];
      private long[] count = new long[1024];

      int size() {
        return size;
      }

      int peek() {
        return heap[0];
      }

      void put(int p, double s, long c) {
        if (p >= position.length) {
          int n = Math.max(p + 1, position.length * 2);
          position = Arrays.copyOf(position, n);
          score = Arrays.copyOf(score, n);
          count = Arrays.copyOf(count, n);
        }
        count[p] = c;
        int at = position[p] - 1;
        if (at < 0) {
          if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
          }
          heap[size] = p;
          position[p] = size + 1;
          score[p] = s;
          siftUp(size++);
        } else {
          score[p] = s;
          siftUp(at);
          siftDown(position[p] - 1);
        }
      }

      void remove(int p) {
        if (p >= position.length || position[p] == 0) {
          return;
        }
        int at = position[p] - 1;
        position[p] = 0;
        size--;
        if (at == size) {
          return;
        }
        int last = heap[size];
        heap[at] = last;
        position[last] = at + 1;
        siftUp(at);
        siftDown(position[last] - 1);
      }

      private boolean before(int p, int q) {
        int c = Double.compare(score[p], score[q]);
        if (c != 0) {
          return c > 0;
        }
        c = Long.compare(count[p], count[q]);
        if (c != 0) {
          return c > 0;
        }
        c = Integer.compare(pairs.left[p], pairs.left[q]);
        if (c != 0) {
          return c < 0;
        }
        return pairs.right[p] < pairs.right[q];
      }

      private void siftUp(int at) {
        int p = heap[at];
        while (at > 0) {
          int parent = (at - 1) >>> 1;
          int q = heap[parent];
          if (!before(p, q)) {
            break;
          }
          heap[at] = q;
          position[q] = at + 1;
          at = parent;
        }
        heap[at] = p;
        position[p] = at + 1;
      }

      private void siftDown(int at) {
        int p = heap[at];
        while (true) {
          int child = 2 * at + 1;
          if (child >= size) {
            break;
          }
          if (child + 1 < size && before(heap[child + 1], heap[child])) {
            child++;
          }
          int q = heap[child];
          if (!before(q, p)) {
            break;
          }
          heap[at] = q;
          position[q] = at + 1;
          at = child;
        }
        heap[at] = p;
        position[p] = at + 1;
      }
    }
  }

  private static long pairKey(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private static String stripPrefix(String symbol) {
    return symbol.startsWith(CONTINUATION_PREFIX)
        ? symbol.substring(CONTINUATION_PREFIX.length())
        : symbol;
  }

  private static boolean allIn(int[] cps, int[] sortedAlphabet) {
    for (int cp : cps) {
      if (Arrays.binarySearch(sortedAlphabet, cp) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Pair table: (left, right) symbol ids to a dense pair id, with per-pair state. */
  private static final class Pairs {
    private long[] keys = new long[1 << 12];
    private int[] slots = new int[1 << 12]; // pair id + 1; 0 = empty
    private int size;
    int[] left = new int[1024];
    int[] right = new int[1024];
    long[] count = new long[1024];
    boolean[] listed = new boolean[1024];
    IntList[] words = new IntList[1024];

    int size() {
      return size;
    }

    int idOf(int a, int b) {
      long key = pairKey(a, b);
      int mask = slots.length - 1;
      int i = mix(key) & mask;
      while (slots[i] != 0) {
        if (keys[i] == key) {
          return slots[i] - 1;
        }
        i = (i + 1) & mask;
      }
      int id = size++;
      if (id == left.length) {
        int n = id * 2;
        left = Arrays.copyOf(left, n);
        right = Arrays.copyOf(right, n);
        count = Arrays.copyOf(count, n);
        listed = Arrays.copyOf(listed, n);
        words = Arrays.copyOf(words, n);
      }
      left[id] = a;
      right[id] = b;
      words[id] = new IntList();
      keys[i] = key;
      slots[i] = id + 1;
      if (size * 2 > slots.length) {
        rehash();
      }
      return id;
    }

    private void rehash() {
      long[] oldKeys = keys;
      int[] oldSlots = slots;
      keys = new long[oldKeys.length * 2];
      slots = new int[oldSlots.length * 2];
      int mask = slots.length - 1;
      for (int k = 0; k < oldSlots.length; k++) {
        if (oldSlots[k] != 0) {
          int i = mix(oldKeys[k]) & mask;
          while (slots[i] != 0) {
            i = (i + 1) & mask;
          }
          keys[i] = oldKeys[k];
          slots[i] = oldSlots[k];
        }
      }
    }

    private static int mix(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] items = new int[4];
    private int size;

    int size() {
      return size;
    }

    int get(int i) {
      return items[i];
    }

    void set(int i, int v) {
      items[i] = v;
    }

    int last() {
      return items[size - 1];
    }

    void add(int v) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }

    void clear() {
      size = 0;
      if (items.length > 16) {
        items = new int[4];
      }
    }

    void truncate(int n) {
      size = n;
    }

    int[] toArray() {
      return Arrays.copyOf(items, size);
    }
  }
}
