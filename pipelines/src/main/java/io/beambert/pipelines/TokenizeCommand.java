package io.beambert.pipelines;

import io.beambert.cli.StandardStreams;
import io.beambert.cli.UsageException;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Utf8Lines;
import io.beambert.text.Vocab;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * {@code beambert tokenize}: tokenizes UTF-8 lines from stdin with BERT's tokenizer and writes one
 * JSON array per input line to stdout (token strings, or ids with {@code --ids}), in input order.
 *
 * <p>Lines end at {@code '\n'} only; invalid UTF-8 bytes are dropped (like Python's {@code
 * errors="ignore"}) and counted. Every input line gives exactly one output line, {@code []} when it
 * has no tokens. Streaming: memory is the vocabulary plus a few hundred KiB, whatever the input
 * size and line length. A long line is tokenized in pieces of about 64 KiB (at most 256 KiB), cut
 * where no tokenizer rule looks across (after whitespace, a CJK ideograph or ASCII punctuation, with
 * care for Final_Sigma next to {@code ' . : ^ `}), which gives exactly the tokens of the whole line;
 * a run of more than 256 letters and digits is one {@code [UNK]} whatever surrounds it and is
 * shortened on the way in (counted as a long word). Only a run of more than 256 KiB with no such
 * cut at all (e.g. letters mixed with combining marks or U+03A3, without any space or ASCII
 * punctuation) is cut anyway at a character boundary, which can change the tokens at that place (a
 * word of more than 200 characters then gives one {@code [UNK]} per piece); such cuts are counted
 * and reported.
 * At the end one summary line goes to stderr: lines, tokens and dropped invalid bytes, plus the
 * number of shortened long words and of forced cuts when there were any.
 *
 * <p>Failures (unknown option, missing or unreadable vocabulary, vocabulary without {@code [UNK]})
 * are thrown, for the {@code beambert} dispatcher to report in one line.
 */
public final class TokenizeCommand {
  static final String USAGE =
      String.join(
          "\n",
          "Usage: beambert tokenize --vocab=FILE [--doLowerCase=true|false] [--ids] < input.txt",
          "",
          "Tokenizes UTF-8 text from stdin with BERT's WordPiece tokenizer (exactly like the reference",
          "tokenization.py FullTokenizer) and writes one JSON array per input line to stdout.",
          "Lines end at \\n only; invalid UTF-8 bytes are dropped and counted. A summary line",
          "(lines, tokens, dropped bytes) goes to stderr.",
          "",
          "Options:",
          "  --vocab=FILE               vocabulary, one token per line; must contain [UNK] (required)",
          "  --doLowerCase=true|false   lower-case and strip accents, for uncased vocabularies",
          "                             (default: true)",
          "  --ids                      write token ids instead of token strings (default: off)",
          "  --help                     print this help and exit",
          "");

  /** Lines are tokenized in pieces of about this many bytes (at a safe cut, see the class doc). */
  static final int PIECE_BYTES = 1 << 16;

  /** No piece is longer than this; a longer run without a safe cut is cut anyway, and counted. */
  static final int MAX_PIECE_BYTES = 1 << 18;

  private TokenizeCommand() {}

  /** Entry point; throws on failure (see the class comment). */
  public static void main(String[] args) throws IOException {
    if (java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      run(args, InputStream.nullInputStream(), System.out, System.err);
      return;
    }
    // Failed writes throw (a full disk stops the command); a closed stdin is refused.
    run(args, StandardStreams.in(), StandardStreams.out(), System.err);
  }

  /**
   * What one run did: {@code longWords} runs of more than 256 letters and digits were
   * shortened (exact), {@code forcedCuts} pieces ended without a safe cut (maybe inexact).
   */
  record Summary(long lines, long tokens, long droppedBytes, long longWords, long forcedCuts) {
    Summary(long lines, long tokens, long droppedBytes) {
      this(lines, tokens, droppedBytes, 0, 0);
    }
  }

  /**
   * Runs the command on the given streams. {@code out} is flushed, not closed.
   *
   * @return the counts, or {@code null} when only the help was printed
   */
  static Summary run(String[] args, InputStream in, OutputStream out, PrintStream err)
      throws IOException {
    Path vocabFile = null;
    boolean lower = true;
    boolean ids = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.write(USAGE.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return null;
      } else if (arg.startsWith("--vocab=")) {
        String value = arg.substring("--vocab=".length());
        if (value.isEmpty()) {
          throw new UsageException("--vocab needs a file name: --vocab=FILE");
        }
        vocabFile = Paths.get(value);
      } else if (arg.startsWith("--doLowerCase=")) {
        lower = bool("--doLowerCase", arg.substring("--doLowerCase=".length()));
      } else if (arg.equals("--doLowerCase")) {
        lower = true;
      } else if (arg.equals("--ids")) {
        ids = true;
      } else if (arg.startsWith("--ids=")) {
        ids = bool("--ids", arg.substring("--ids=".length()));
      } else {
        throw new UsageException(
            "unknown option '" + arg + "' (options: --vocab=FILE, --doLowerCase=true|false, --ids;"
                + " see 'beambert tokenize --help')");
      }
    }
    if (vocabFile == null) {
      throw new UsageException("missing required option --vocab=FILE (see 'beambert tokenize --help')");
    }
    Vocab vocab = Vocab.load(vocabFile);
    BertTokenizer tokenizer = new BertTokenizer(vocab, lower);
    // The text written for each id, computed once: a JSON string literal, or the decimal id.
    String[] text = ids ? decimalIds(vocab.size()) : jsonTokens(vocab);

    long lines = 0;
    long tokens = 0;
    Utf8Lines reader = new Utf8Lines(in);
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    boolean lineStart = true;
    long tokensInLine = 0;
    // Long lines are tokenized in pieces cut where no tokenizer rule looks across (see
    // Utf8Lines.nextPiece), which gives exactly the tokens of the whole line.
    for (String piece = reader.nextPiece(PIECE_BYTES, MAX_PIECE_BYTES); piece != null;
        piece = reader.nextPiece(PIECE_BYTES, MAX_PIECE_BYTES)) {
      if (lineStart) {
        w.write('[');
      }
      int n = tokenizer.tokenizeToIdBuffer(piece);
      for (int k = 0; k < n; k++) {
        if (k > 0 || (!lineStart && tokensInLine > 0)) {
          w.write(',');
        }
        w.write(text[tokenizer.idAt(k)]);
      }
      tokensInLine += n;
      tokens += n;
      lineStart = reader.pieceEndsLine();
      if (lineStart) {
        w.write("]\n");
        lines++;
        tokensInLine = 0;
      }
    }
    w.flush();
    Summary summary = new Summary(lines, tokens, reader.droppedBytes(), reader.shortenedWords(),
        reader.forcedCuts());
    StringBuilder line = new StringBuilder("beambert tokenize: ").append(lines).append(" lines, ")
        .append(tokens).append(" tokens, ").append(summary.droppedBytes())
        .append(" invalid UTF-8 bytes dropped");
    if (summary.longWords() > 0) {
      line.append(", ").append(summary.longWords())
          .append(" long words (runs of over 256 letters/digits, [UNK]) shortened");
    }
    if (summary.forcedCuts() > 0) {
      line.append(", ").append(summary.forcedCuts()).append(" forced cuts in runs of over ")
          .append(MAX_PIECE_BYTES).append(" bytes without a safe cut (tokens there may differ)");
    }
    err.println(line);
    err.flush();
    return summary;
  }

  private static boolean bool(String name, String value) {
    switch (value) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new UsageException(name + " must be true or false, got '" + value + "'");
    }
  }

  private static String[] decimalIds(int n) {
    String[] out = new String[n];
    for (int id = 0; id < n; id++) {
      out[id] = Integer.toString(id);
    }
    return out;
  }

  /** The JSON string literal of every vocabulary line, by id. */
  private static String[] jsonTokens(Vocab vocab) {
    String[] out = new String[vocab.size()];
    StringBuilder b = new StringBuilder();
    for (int id = 0; id < out.length; id++) {
      b.setLength(0);
      out[id] = quote(b, vocab.tokenAt(id)).toString();
    }
    return out;
  }

  /** Appends {@code s} as a JSON string literal (RFC 8259; non-ASCII written as is). */
  static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        default:
          if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029'
              || Character.isSurrogate(c) && !isPairedSurrogate(s, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"');
  }

  private static boolean isPairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
