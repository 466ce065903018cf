package io.beambert.text;

import static io.beambert.text.CharTable.CJK;
import static io.beambert.text.CharTable.CLASS;
import static io.beambert.text.CharTable.DROP;
import static io.beambert.text.CharTable.MAP_EMPTY;
import static io.beambert.text.CharTable.MAP_ONE;
import static io.beambert.text.CharTable.PUNCT;
import static io.beambert.text.CharTable.SLOW;
import static io.beambert.text.CharTable.SPACE;
import static io.beambert.text.CharTable.SURROGATE;
import static io.beambert.text.CharTable.UKIND;
import static io.beambert.text.CharTable.UMAP;
import static io.beambert.text.CharTable.UMULTI;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * BERT's {@code FullTokenizer} (basic tokenization, then greedy longest-match WordPiece), producing
 * exactly the reference's tokens for every input.
 *
 * <p>Basic tokenization, as in the reference's {@code BasicTokenizer}:
 *
 * <ol>
 *   <li>drop NUL, U+FFFD and control characters (categories Cc and Cf, except tab, newline and
 *       carriage return); every other whitespace character (tab, newline, return, category Zs)
 *       separates tokens, and so do U+2028 and U+2029, which Python's {@code str.split()} splits on;
 *   <li>every CJK ideograph (the reference's eight ranges, including the compatibility ideographs)
 *       is a token of its own;
 *   <li>when lower-casing, each whitespace-separated token goes through Python's {@code str.lower()}
 *       (full mapping, so U+0130 becomes "i" + U+0307; Final_Sigma in context), canonical
 *       decomposition (NFD) and removal of nonspacing marks (category Mn);
 *   <li>each punctuation character (every non-alphanumeric ASCII character and Unicode P*) is a
 *       token of its own.
 * </ol>
 *
 * <p>WordPiece then splits each token into the longest vocabulary pieces from the left, later pieces
 * prefixed by {@code ##}. A token longer than 200 code points, or one with a position where no piece
 * matches, becomes a single {@code [UNK]}.
 *
 * <p>Character properties follow Unicode 14.0, like Python 3.11's {@code unicodedata}: Java 17
 * implements Unicode 13.0, so the categories, case mappings and combining classes of the characters
 * Unicode 14.0 added (and of U+1734, which changed from Mn to Mc) are built in. Characters added in
 * Unicode 15.0 or later are unassigned for Python 3.11; on a JVM that knows them (Java 21+) they are
 * classified by the JVM, which may differ from the reference.
 *
 * <p>Speed: no regular expressions, no per-character allocation. A per-character class table covers
 * the BMP, WordPiece matching probes a hash of whole pieces, then walks a char trie, and yields ids
 * directly; words longer than the 200-code-point limit are counted, not stored. Tokens needing context (Final_Sigma, supplementary
 * characters, marks that NFD could reorder) take a slower whole-token path.
 *
 * <p>Not thread-safe: use one instance per thread (a DoFn instance builds its own in {@code @Setup}).
 *
 * <pre>{@code
 * BertTokenizer tokenizer = new BertTokenizer(Vocab.load(Path.of("vocab.txt")), true);
 * int[] ids = tokenizer.tokenizeToIds("Hello, world!");
 * }</pre>
 */
public final class BertTokenizer {
  /** The reference's {@code max_input_chars_per_word}, counted in code points. */
  public static final int MAX_INPUT_CHARS_PER_WORD = 200;

  private static final int WORD_CAP = 2 * MAX_INPUT_CHARS_PER_WORD + 2;

  private final Vocab vocab;
  private final boolean lowerCase;
  private final WordPieceTrie trie;
  private final int unkId;

  private char[] text = new char[1024];
  private char[] word = new char[WORD_CAP];
  private int wlen;
  private int[] ids = new int[256];
  private int nids;
  private Consumer<String> basicSink;

  /**
   * Creates a tokenizer.
   *
   * @param doLowerCase the reference's {@code do_lower_case}: lower-case and strip accents
   * @throws IllegalArgumentException when the vocabulary has no {@code [UNK]} token
   */
  public BertTokenizer(Vocab vocab, boolean doLowerCase) {
    if (!vocab.contains(Vocab.UNK)) {
      throw new IllegalArgumentException(
          "vocabulary " + vocab.source() + " has no " + Vocab.UNK + " token");
    }
    this.vocab = vocab;
    this.lowerCase = doLowerCase;
    this.trie = vocab.trie();
    this.unkId = trie.unkId;
  }

  /** The vocabulary this tokenizer maps to. */
  public Vocab vocab() {
    return vocab;
  }

  /** Whether this tokenizer lower-cases and strips accents. */
  public boolean doLowerCase() {
    return lowerCase;
  }

  /** The reference's {@code FullTokenizer.tokenize(text)}. */
  public List<String> tokenize(String text) {
    int n = runIds(text);
    List<String> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      out.add(vocab.tokenAt(ids[k]));
    }
    return out;
  }

  /** {@code convert_tokens_to_ids(tokenize(text))}. */
  public int[] tokenizeToIds(String text) {
    int n = runIds(text); // grows the buffer: read the field only afterwards
    return Arrays.copyOf(ids, n);
  }

  /**
   * The ids of each sentence, in order, leaving out sentences that tokenize to nothing (only
   * whitespace or control characters): how the reference tokenizes the lines of a document, which
   * skips such a line without ending the document.
   */
  public int[][] tokenizeSentences(List<String> sentences) {
    return tokenizeSentences(sentences, this::tokenizeToIds);
  }

  /**
   * {@link #tokenizeSentences(List)} with any tokenizer of one sentence (tests use simple ones):
   * the one loop that turns a document's lines into its sentences of ids.
   */
  public static int[][] tokenizeSentences(
      List<String> sentences, java.util.function.Function<String, int[]> tokenizer) {
    List<int[]> out = new ArrayList<>(sentences.size());
    for (String sentence : sentences) {
      int[] ids = tokenizer.apply(sentence);
      if (ids.length > 0) {
        out.add(ids);
      }
    }
    return out.toArray(new int[0][]);
  }

  /**
   * Tokenizes to ids into an internal buffer, valid until the next call on this tokenizer.
   *
   * @return the number of ids, readable with {@link #idAt(int)}
   */
  public int tokenizeToIdBuffer(String text) {
    return runIds(text);
  }

  /** The {@code k}-th id of the last {@link #tokenizeToIdBuffer} call. */
  public int idAt(int k) {
    return ids[k];
  }

  /**
   * Runs only the basic tokenization ({@code BasicTokenizer.tokenize}) and hands each resulting
   * token to {@code sink}, in order.
   */
  public void basicTokens(String text, Consumer<String> sink) {
    basicSink = sink;
    try {
      run(text);
    } finally {
      basicSink = null;
      if (word.length > WORD_CAP) {
        word = new char[WORD_CAP];
      }
    }
  }

  private int runIds(String s) {
    nids = 0;
    run(s);
    return nids;
  }

  private void run(String s) {
    int n = s.length();
    char[] b = text;
    if (b.length < n) {
      b = new char[n];
      if (n <= (1 << 20)) {
        text = b;
      }
    }
    s.getChars(0, n, b, 0);
    wlen = 0;
    int i = 0;
    while (i < n) {
      char c = b[i];
      int cls = CLASS[c];
      if ((cls & SPACE) != 0) {
        i++;
        continue;
      }
      if ((cls & CJK) != 0) {
        cjk(c);
        i++;
        continue;
      }
      if ((cls & SURROGATE) != 0 && i + 1 < n && Character.isSurrogatePair(c, b[i + 1])) {
        int cp = Character.toCodePoint(c, b[i + 1]);
        if (CharTable.isCjk(cp)) {
          cjkSupplementary(cp);
          i += 2;
          continue;
        }
      }
      int j = i;
      int flags = 0;
      while (j < n) {
        char d = b[j];
        int cl = CLASS[d];
        if ((cl & (SPACE | CJK)) != 0) {
          break;
        }
        if ((cl & SURROGATE) != 0 && j + 1 < n && Character.isSurrogatePair(d, b[j + 1])) {
          if (CharTable.isCjk(Character.toCodePoint(d, b[j + 1]))) {
            break;
          }
          j++;
        }
        flags |= cl;
        j++;
      }
      token(b, i, j, flags);
      i = j;
    }
  }

  /** One whitespace-delimited token {@code b[s, e)} (no separators or CJK inside). */
  private void token(char[] b, int s, int e, int flags) {
    if (lowerCase) {
      if ((flags & (SLOW | SURROGATE)) != 0) {
        slowToken(new String(b, s, e - s));
        return;
      }
      for (int k = s; k < e; k++) {
        char c = b[k];
        byte kind = UKIND[c];
        if (kind == MAP_ONE) {
          char m = UMAP[c];
          if ((CLASS[m] & PUNCT) != 0) {
            single(m);
          } else {
            append(m);
          }
        } else if (kind != MAP_EMPTY) {
          String ms = UMULTI[c];
          for (int q = 0; q < ms.length(); q++) {
            char m = ms.charAt(q);
            if ((CLASS[m] & PUNCT) != 0) {
              single(m);
            } else {
              append(m);
            }
          }
        }
      }
    } else if ((flags & SURROGATE) != 0) {
      for (int k = s; k < e; ) {
        int cp = Character.codePointAt(b, k, e);
        int len = Character.charCount(cp);
        int cl = CharTable.classOf(cp);
        if ((cl & DROP) == 0) {
          if ((cl & PUNCT) != 0) {
            flush();
            appendCodePoint(cp);
            flush();
          } else {
            appendCodePoint(cp);
          }
        }
        k += len;
      }
    } else {
      for (int k = s; k < e; k++) {
        char c = b[k];
        int cl = CLASS[c];
        if ((cl & (DROP | PUNCT)) == 0) {
          append(c);
        } else if ((cl & DROP) == 0) {
          single(c);
        }
      }
    }
    flush();
  }

  /** The whole-token path: clean, {@code str.lower()}, NFD, drop Mn, split on punctuation. */
  private void slowToken(String t) {
    StringBuilder cleaned = new StringBuilder(t.length());
    for (int k = 0; k < t.length(); ) {
      int cp = t.codePointAt(k);
      if ((CharTable.classOf(cp) & DROP) == 0) {
        cleaned.appendCodePoint(cp);
      }
      k += Character.charCount(cp);
    }
    String m = CharTable.stripAccents(CharTable.pyLower(cleaned.toString()));
    for (int k = 0; k < m.length(); ) {
      int cp = m.codePointAt(k);
      if (CharTable.isPunctuation(cp)) {
        flush();
        appendCodePoint(cp);
        flush();
      } else {
        appendCodePoint(cp);
      }
      k += Character.charCount(cp);
    }
    flush();
  }

  private void cjk(char c) {
    if (lowerCase) {
      byte kind = UKIND[c];
      if (kind == MAP_ONE) {
        append(UMAP[c]);
      } else if (kind != MAP_EMPTY) {
        String ms = UMULTI[c];
        for (int q = 0; q < ms.length(); q++) {
          append(ms.charAt(q));
        }
      }
    } else {
      append(c);
    }
    flush();
  }

  private void cjkSupplementary(int cp) {
    if (lowerCase) {
      slowToken(new String(Character.toChars(cp)));
    } else {
      appendCodePoint(cp);
      flush();
    }
  }

  private void single(char c) {
    flush();
    append(c);
    flush();
  }

  private void appendCodePoint(int cp) {
    if (cp < 0x10000) {
      append((char) cp);
    } else {
      append(Character.highSurrogate(cp));
      append(Character.lowSurrogate(cp));
    }
  }

  private void append(char c) {
    if (wlen < word.length) {
      word[wlen] = c;
    } else if (basicSink != null) {
      word = Arrays.copyOf(word, word.length * 2);
      word[wlen] = c;
    }
    wlen++;
  }

  private void flush() {
    if (wlen == 0) {
      return;
    }
    if (basicSink != null) {
      basicSink.accept(new String(word, 0, wlen));
    } else {
      wordPiece();
    }
    wlen = 0;
  }

  /** The reference's {@code WordpieceTokenizer.tokenize} for one word, straight to ids. */
  private void wordPiece() {
    int n = wlen;
    if (n > MAX_INPUT_CHARS_PER_WORD
        && (n > 2 * MAX_INPUT_CHARS_PER_WORD
            || Character.codePointCount(word, 0, n) > MAX_INPUT_CHARS_PER_WORD)) {
      addId(unkId);
      return;
    }
    int whole = trie.whole(word, 0, n, false);
    if (whole >= 0) {
      addId(whole);
      return;
    }
    int mark = nids;
    int start = 0;
    while (start < n) {
      if (start > 0) {
        int rest = trie.whole(word, start, n, true);
        if (rest >= 0) {
          addId(rest);
          return;
        }
      }
      long r = trie.longest(word, start, n);
      if (r < 0) {
        nids = mark;
        addId(unkId);
        return;
      }
      addId((int) r);
      start = (int) (r >>> 32);
    }
  }

  private void addId(int id) {
    if (nids == ids.length) {
      ids = Arrays.copyOf(ids, nids * 2);
    }
    ids[nids++] = id;
  }
}
