package io.beambert.instances;

import io.beambert.text.BertTokenizer;
import io.beambert.text.DocumentSplitter;
import io.beambert.text.Utf8Lines;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a corpus into documents of tokenized sentences with the reference's semantics: reference
 * mode's reader. Lines go through {@link DocumentSplitter}, the splitter the distributed reader uses
 * too, and each document through {@link BertTokenizer#tokenizeSentences}.
 *
 * <ul>
 *   <li>Lines end at {@code '\n'} only; bytes that are not valid UTF-8 are dropped like Python's
 *       {@code decode("utf-8", errors="ignore")} ({@link Utf8Lines}).
 *   <li>Each line is stripped with Python's {@code str.strip()} ({@link io.beambert.text.PyStr#strip}); an empty
 *       result ends the current document (consecutive blank lines just produce empty documents,
 *       which are removed).
 *   <li>A non-empty line that tokenizes to nothing (e.g. only control characters) is dropped
 *       WITHOUT ending the document.
 *   <li>Documents without tokens are removed.
 *   <li>All inputs form ONE document list, in the order they are read: like the reference, a
 *       document continues from the end of one file into the next unless a blank line separates
 *       them. Callers that want file boundaries to end documents call {@link #endDocument()}
 *       between files (not reference-compatible).
 *   <li>Like the reference's {@code readline()} loop, a last line without {@code '\n'} that decodes
 *       to nothing (only invalid UTF-8) ends the file's reading without ending the document.
 * </ul>
 *
 * <p>Not thread-safe (the tokenizer usually is not either).
 *
 * <pre>{@code
 * CorpusReader reader = new CorpusReader(new BertTokenizer(vocab, true)::tokenizeToIds);
 * for (Path file : files) {
 *   reader.readFile(file);
 * }
 * List<int[][]> documents = reader.documents();
 * }</pre>
 */
public final class CorpusReader {
  private final Function<String, int[]> tokenizer;
  private final List<int[][]> documents = new ArrayList<>();
  private final DocumentSplitter splitter = new DocumentSplitter(this::addDocument);
  private long lines;
  private long emptyTokenLines;
  private long emptyDocuments;
  private long droppedBytes;
  private long tokens;

  /**
   * Creates a reader.
   *
   * @param tokenizer text of one stripped, non-empty line to word-piece ids, e.g. {@code
   *     bertTokenizer::tokenizeToIds}
   */
  public CorpusReader(Function<String, int[]> tokenizer) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
  }

  /** Reads the files in order into one document list with a {@link BertTokenizer}. */
  public static List<int[][]> read(List<Path> files, BertTokenizer tokenizer) throws IOException {
    CorpusReader reader = new CorpusReader(tokenizer::tokenizeToIds);
    for (Path file : files) {
      reader.readFile(file);
    }
    return reader.documents();
  }

  /** Adds one line (without its {@code '\n'}), with the rules above. */
  public void addLine(String line) {
    lines++;
    splitter.line(line, 0, 0);
  }

  private void addDocument(List<String> sentences, long start, long end) {
    int[][] document = tokenize(sentences);
    if (document.length > 0) {
      documents.add(document);
    } else {
      emptyDocuments++;
    }
  }

  /** The sentences' ids, dropping (and counting) those without tokens. */
  private int[][] tokenize(List<String> sentences) {
    int[][] document = BertTokenizer.tokenizeSentences(sentences, tokenizer);
    emptyTokenLines += sentences.size() - document.length;
    for (int[] sentence : document) {
      tokens += sentence.length;
    }
    return document;
  }

  /**
   * Reads all lines of a stream (one input file); the current document stays open afterwards. The
   * stream is not closed.
   */
  public void readStream(InputStream in) throws IOException {
    LastByte tracked = new LastByte(in);
    Utf8Lines reader = new Utf8Lines(tracked);
    String line = reader.next();
    while (line != null) {
      String next = reader.next();
      if (next == null && line.isEmpty() && tracked.last != '\n') {
        // A final unterminated line of only invalid bytes: Python's readline() gives "" after
        // decoding, which its loop takes for the end of the file.
        break;
      }
      addLine(line);
      line = next;
    }
    droppedBytes += reader.droppedBytes();
  }

  /**
   * Reads one file; the current document stays open afterwards.
   *
   * @throws IOException naming the file when it is missing or unreadable
   */
  public void readFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      readStream(in);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "input file not found");
    }
  }

  /** Ends the current document (what a blank line does). */
  public void endDocument() {
    splitter.endDocument();
  }

  /**
   * The documents read so far, the open one included, in input order; every document and every
   * sentence is non-empty. The open document stays open (more lines may extend it).
   */
  public List<int[][]> documents() {
    List<int[][]> out = new ArrayList<>(documents);
    List<String> open = splitter.openSentences();
    if (!open.isEmpty()) {
      // Counted when the document ends; here only looked at.
      int[][] document = BertTokenizer.tokenizeSentences(open, tokenizer);
      if (document.length > 0) {
        out.add(document);
      }
    }
    return out;
  }

  /** Lines seen. */
  public long lines() {
    return lines;
  }

  /** Documents (of the ended ones) whose every line tokenized to nothing. */
  public long emptyDocuments() {
    return emptyDocuments;
  }

  /** Non-empty lines dropped because they tokenized to nothing (of the ended documents). */
  public long emptyTokenLines() {
    return emptyTokenLines;
  }

  /** Invalid UTF-8 bytes dropped while decoding. */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** Word-piece tokens kept (of the ended documents). */
  public long tokens() {
    return tokens;
  }

  /** Remembers the last byte read, to tell whether a stream ended with {@code '\n'}. */
  private static final class LastByte extends FilterInputStream {
    int last = -1;

    LastByte(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        last = b;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        last = b[off + n - 1] & 0xff;
      }
      return n;
    }

    @Override
    public void close() {
      // The caller owns the underlying stream.
    }
  }
}
