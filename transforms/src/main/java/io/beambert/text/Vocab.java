package io.beambert.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A WordPiece vocabulary: one token per line, the id of a token is its 0-based line index.
 *
 * <p>Mirrors the reference's {@code load_vocab}: each line is stripped with Python's {@code
 * str.strip()} (so {@code "\r\n"} endings and no-break spaces are removed), a blank line is the
 * token {@code ""}, and for a duplicated token the LAST line wins in {@link #idOf} while {@link
 * #words()} keeps the first-occurrence order (an {@code OrderedDict}'s keys). {@link #size()} is the
 * line count. Invalid UTF-8 bytes in the file are dropped.
 *
 * <p>Immutable and serializable; the WordPiece lookup structure is built lazily on first use and
 * shared by all tokenizers over this vocabulary.
 */
public final class Vocab implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The unknown-word token the tokenizer emits; {@link #load} requires it. */
  public static final String UNK = "[UNK]";

  private final String source;
  private final String[] lines;
  private transient volatile Map<String, Integer> index;
  private transient volatile List<String> words;
  private transient volatile WordPieceTrie trie;

  private Vocab(String source, String[] lines) {
    this.source = source;
    this.lines = lines;
  }

  /**
   * Serialized as two primitive arrays (all lines' chars, and each line's length) instead of 30,000
   * strings: runners serialize the functions that hold a vocabulary often (the DirectRunner per
   * bundle), and Java serialization handles one array far faster than many objects.
   */
  private Object writeReplace() {
    return new SerializedForm(source, lines);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a Vocab is read through its serialized form");
  }

  /** The serialized form of a {@link Vocab}. */
  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final char[] chars;
    private final int[] lengths;

    SerializedForm(String source, String[] lines) {
      this.source = source;
      this.lengths = new int[lines.length];
      int total = 0;
      for (int i = 0; i < lines.length; i++) {
        lengths[i] = lines[i].length();
        total += lengths[i];
      }
      this.chars = new char[total];
      int at = 0;
      for (String line : lines) {
        line.getChars(0, line.length(), chars, at);
        at += line.length();
      }
    }

    private Object readResolve() {
      String[] lines = new String[lengths.length];
      int at = 0;
      for (int i = 0; i < lines.length; i++) {
        lines[i] = new String(chars, at, lengths[i]);
        at += lengths[i];
      }
      return new Vocab(source, lines);
    }
  }

  /**
   * Loads a vocabulary file (UTF-8, one token per line).
   *
   * @throws IOException naming the file when it is missing or unreadable
   * @throws IllegalArgumentException naming the file when it has no {@code [UNK]} line
   */
  public static Vocab load(Path file) throws IOException {
    List<String> tokens = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        Utf8Lines reader = new Utf8Lines(in)) {
      for (String line = reader.next(); line != null; line = reader.next()) {
        tokens.add(PyStr.strip(line));
      }
    } catch (NoSuchFileException e) {
      throw new IOException("vocabulary file not found: " + file, e);
    } catch (AccessDeniedException e) {
      throw new IOException("vocabulary file not readable (permission denied): " + file, e);
    } catch (IOException e) {
      throw new IOException("cannot read vocabulary file " + file + ": " + e.getMessage(), e);
    }
    Vocab vocab = new Vocab(file.toString(), tokens.toArray(new String[0]));
    if (!vocab.contains(UNK)) {
      throw new IllegalArgumentException(
          "vocabulary file " + file + " has no " + UNK + " line (" + tokens.size() + " lines)");
    }
    return vocab;
  }

  /**
   * A vocabulary from tokens in line order (taken as given, not stripped). It may lack {@code [UNK]};
   * {@link BertTokenizer} then refuses it.
   */
  public static Vocab of(List<String> tokensInLineOrder) {
    String[] lines = tokensInLineOrder.toArray(new String[0]);
    for (int i = 0; i < lines.length; i++) {
      Objects.requireNonNull(lines[i], "token at line " + i);
    }
    return new Vocab("<in-memory vocabulary>", lines);
  }

  /** Where this vocabulary came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** Number of lines, duplicates included. */
  public int size() {
    return lines.length;
  }

  /** The id of {@code token} (the last line holding it), or -1 when absent. */
  public int idOf(String token) {
    Integer id = index().get(token);
    return id == null ? -1 : id;
  }

  /** The token on line {@code id}. */
  public String tokenAt(int id) {
    return lines[id];
  }

  /** The distinct tokens in first-occurrence order (the reference's {@code vocab_words}). */
  public List<String> words() {
    List<String> w = words;
    if (w == null) {
      Set<String> seen = new HashSet<>(lines.length * 2);
      List<String> out = new ArrayList<>(lines.length);
      for (String line : lines) {
        if (seen.add(line)) {
          out.add(line);
        }
      }
      w = Collections.unmodifiableList(out);
      words = w;
    }
    return w;
  }

  /** Whether some line holds {@code token}. */
  public boolean contains(String token) {
    return index().containsKey(token);
  }

  private Map<String, Integer> index() {
    Map<String, Integer> idx = index;
    if (idx == null) {
      idx = new HashMap<>(lines.length * 2);
      for (int i = 0; i < lines.length; i++) {
        idx.put(lines[i], i);
      }
      index = idx;
    }
    return idx;
  }

  WordPieceTrie trie() {
    WordPieceTrie t = trie;
    if (t == null) {
      t = new WordPieceTrie(lines);
      trie = t;
    }
    return t;
  }

  @Override
  public String toString() {
    return "Vocab(" + source + ", " + lines.length + " lines)";
  }
}
