package io.beambert.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one document splitter of beambert, for the reference input format: one sentence per line,
 * each line stripped with Python's {@code str.strip()} ({@link PyStr#strip}), and a line that is
 * empty after stripping ends the current document. Both the distributed reader ({@code
 * ReadDocuments}, which ends a document at the end of each file or range) and reference mode's
 * reader ({@code CorpusReader}, which lets a document run on into the next file, as the reference
 * does) feed their lines through it.
 *
 * <p>Lines may carry their byte range in the input, so that a document can be found again; pass
 * zeros when that is not needed. Not thread-safe.
 *
 * <pre>{@code
 * DocumentSplitter splitter = new DocumentSplitter((sentences, start, end) -> docs.add(List.copyOf(sentences)));
 * for (String line : lines) {
 *   splitter.line(line, 0, 0);
 * }
 * splitter.endDocument();
 * }</pre>
 */
public final class DocumentSplitter {

  /** Receives each finished document. */
  @FunctionalInterface
  public interface Sink {
    /**
     * One document: its stripped sentences (at least one; the list is only valid during the call),
     * and the byte range from the start of its first line to the end of its last.
     */
    void accept(List<String> sentences, long start, long end);
  }

  private final Sink sink;
  private final List<String> sentences = new ArrayList<>();
  private long start;
  private long end;

  /** A splitter that hands each document to {@code sink}. */
  public DocumentSplitter(Sink sink) {
    this.sink = sink;
  }

  /**
   * Adds one line (without its {@code '\n'}) that spans bytes {@code [lineStart, lineEnd)}: a blank
   * line ends the open document, any other line adds its stripped text to it.
   *
   * @return whether the line was blank
   */
  public boolean line(String line, long lineStart, long lineEnd) {
    String stripped = PyStr.strip(line);
    if (stripped.isEmpty()) {
      endDocument();
      return true;
    }
    if (sentences.isEmpty()) {
      start = lineStart;
    }
    sentences.add(stripped);
    end = lineEnd;
    return false;
  }

  /** Ends the open document, if there is one (what a blank line does). */
  public void endDocument() {
    if (!sentences.isEmpty()) {
      sink.accept(sentences, start, end);
      sentences.clear();
    }
  }

  /** The sentences of the open document so far (a read-only view). */
  public List<String> openSentences() {
    return Collections.unmodifiableList(sentences);
  }
}
