package io.beambert.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Turns a tree of reStructuredText files (such as the Linux kernel's Documentation/) into a corpus
 * of real English prose in the reference input format: one sentence per line, a blank line between
 * documents, one document per source file. Documents are split whole between a training file and a
 * held-out file by a hash of their relative path, so the two never share a document.
 *
 * <p>Markup is stripped (headings, directives and their bodies except admonitions, comments,
 * literal blocks after {@code ::}, tables, inline roles and links), wrapped lines are joined into
 * paragraphs, paragraphs are split with {@link BreakIterator#getSentenceInstance(Locale)} for
 * English, and only sentences that read like prose are kept: at least four words, mostly plain
 * words, a capital first letter, a final {@code . ! ?}, no code symbols or URLs. Files are read in
 * sorted path order, so the same input always gives the same bytes.
 *
 * <pre>
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   io.beambert.bench.ProseCorpus --input=DIR --train=OUT/train.txt --heldout=OUT/heldout.txt \
 *   [--exclude=translations/ ...] [--heldoutPercent=8] [--minSentences=8]
 * </pre>
 *
 * <p>{@code --input} is walked for {@code *.rst} and {@code *.rst.gz}; {@code --exclude} skips
 * relative paths with that prefix. benchmarks/scripts/prose-corpus.sh runs it on the kernel's
 * documentation.
 */
public final class ProseCorpus {
  private static final Pattern RUN = Pattern.compile("([=\\-~^\"'`#*+_.:])\\1{2,}");
  private static final Pattern TABLE = Pattern.compile("[=\\-]{2,}( +[=\\-]{2,})+|\\+[-=+]+|\\|.*");
  private static final Pattern DIRECTIVE = Pattern.compile("\\.\\.\\s+([\\w:-]+)::(.*)");
  private static final Pattern BULLET =
      Pattern.compile("([-*+\u2022]|#\\.|\\d{1,2}[.)]|\\(\\w\\))\\s+");
  private static final List<String> ADMONITIONS =
      List.of("note", "warning", "important", "tip", "hint", "attention", "caution", "danger");

  // Inline markup, applied in this order to a joined paragraph.
  private static final String[][] INLINE = {
    {":[\\w.:+-]+:`[~!]?([^`]*?)\\s*(<[^`>]*>)?`", "$1"}, // :role:`text <target>`
    {"``([^`]+)``", "$1"}, // ``literal``
    {"`([^`]*?)\\s*(<[^`>]*>)?`__?", "$1"}, // `link <url>`_
    {"`([^`]+)`", "$1"}, // `interpreted`
    {"\\s*\\[(#\\w*|\\d+|\\*)\\]_", ""}, // footnote references
    {"\\*\\*([^*]+)\\*\\*", "$1"},
    {"\\*([^*\\s][^*]*)\\*", "$1"},
    {"\\|(\\w[^|]*)\\|", "$1"}, // |substitution|
    {"\\\\ ", ""},
    {"\\\\(.)", "$1"},
    {"\\s+", " "},
  };
  private static final Pattern[] INLINE_PATTERNS =
      Arrays.stream(INLINE).map(r -> Pattern.compile(r[0])).toArray(Pattern[]::new);

  // A word of letters (inner hyphens and apostrophes allowed) or a number, with punctuation around.
  private static final Pattern PLAIN_WORD =
      Pattern.compile(
          "[(\"'\u201c\u2018]*(\\p{L}+([-'\u2019]\\p{L}+)*|\\d+([.,]\\d+)*%?)"
              + "[)\"'\u201d\u2019.,;:!?]*");
  private static final Pattern CODE_SIGNS =
      Pattern.compile("[{}<>=|\\\\`^~$#@_]|://|\\(\\)|\\.\\.");

  private ProseCorpus() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    ToolArgs opts = ToolArgs.parse(args);
    Path input = Path.of(opts.single("input", null));
    Path train = Path.of(opts.single("train", null));
    Path heldout = Path.of(opts.single("heldout", null));
    List<String> excludes = opts.all("exclude");
    int heldoutPercent = Integer.parseInt(opts.single("heldoutPercent", "8"));
    int minSentences = Integer.parseInt(opts.single("minSentences", "8"));
    if (!Files.isDirectory(input)) {
      throw new IllegalArgumentException("--input is not a directory: " + input);
    }
    if (heldoutPercent < 1 || heldoutPercent > 50) {
      throw new IllegalArgumentException(
          "--heldoutPercent must be in 1..50, got " + heldoutPercent);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(input)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".rst") || p.toString().endsWith(".rst.gz"))
              .filter(p -> excludes.stream().noneMatch(name(input, p)::startsWith))
              .sorted()
              .collect(Collectors.toList());
    }
    int[] docs = new int[2];
    long[] sentences = new long[2];
    int tooShort = 0;
    try (Writer trainOut = Files.newBufferedWriter(train, StandardCharsets.UTF_8);
        Writer heldOut = Files.newBufferedWriter(heldout, StandardCharsets.UTF_8)) {
      Writer[] outs = {trainOut, heldOut};
      for (Path file : files) {
        String name = name(input, file);
        List<String> doc = sentences(readLines(file));
        if (doc.size() < minSentences) {
          tooShort++;
          continue;
        }
        int side = isHeldOut(name, heldoutPercent) ? 1 : 0;
        write(outs[side], doc, docs[side] > 0);
        docs[side]++;
        sentences[side] += doc.size();
      }
    }
    System.err.printf(
        "%d source files, %d dropped with fewer than %d sentences; train: %d documents, %d"
            + " sentences; held-out: %d documents, %d sentences%n",
        files.size(), tooShort, minSentences, docs[0], sentences[0], docs[1], sentences[1]);
  }

  /** The prose sentences of one reStructuredText file, in order. */
  static List<String> sentences(List<String> lines) {
    List<String> out = new ArrayList<>();
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    for (String paragraph : paragraphs(lines)) {
      String text = inline(paragraph);
      it.setText(text);
      for (int start = it.first(), end = it.next();
          end != BreakIterator.DONE;
          start = end, end = it.next()) {
        String sentence = text.substring(start, end).strip();
        if (isProse(sentence)) {
          out.add(sentence);
        }
      }
    }
    return out;
  }

  /**
   * Joins wrapped lines into paragraphs and drops what is not running text. A paragraph ends at a
   * blank line, a list marker or a change of indentation (definition lists, block quotes).
   */
  static List<String> paragraphs(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    int paraIndent = -1; // indentation of the paragraph's first line
    int lineIndent = -1; // indentation its continuation lines must have
    int skipDeeperThan = -1; // skip lines indented deeper (literal blocks, directive bodies)
    boolean dropBlock = false; // inside a table: drop lines up to the next blank line
    for (String raw : lines) {
      String line = raw.replace("\t", "        ");
      String text = line.strip();
      int indent = line.length() - line.stripLeading().length();
      if (text.isEmpty()) {
        skipDeeperThan = flush(para, paraIndent, skipDeeperThan, out);
        dropBlock = false;
        continue;
      }
      if (skipDeeperThan >= 0) {
        if (indent > skipDeeperThan) {
          continue;
        }
        skipDeeperThan = -1;
      }
      if (dropBlock) {
        continue;
      }
      if (RUN.matcher(text).matches() || TABLE.matcher(text).matches() || text.startsWith(">>>")) {
        // A heading's underline or overline drops its title; a table border drops the table.
        para.setLength(0);
        dropBlock = !RUN.matcher(text).matches();
        continue;
      }
      if (text.startsWith("..")) {
        skipDeeperThan = flush(para, paraIndent, skipDeeperThan, out);
        Matcher d = DIRECTIVE.matcher(text);
        if (d.matches() && ADMONITIONS.contains(d.group(1).toLowerCase(Locale.ROOT))) {
          paraIndent = indent;
          lineIndent = -1;
          para.append(d.group(2).strip());
        } else {
          skipDeeperThan = indent; // comment, target or directive: skip its body
        }
        continue;
      }
      Matcher bullet = BULLET.matcher(text);
      if (bullet.lookingAt()) {
        skipDeeperThan = flush(para, paraIndent, skipDeeperThan, out);
        paraIndent = indent;
        lineIndent = indent + bullet.end();
        para.append(text.substring(bullet.end()));
        continue;
      }
      if (para.length() > 0 && lineIndent >= 0 && indent != lineIndent) {
        skipDeeperThan = flush(para, paraIndent, skipDeeperThan, out);
      }
      if (para.length() == 0) {
        paraIndent = indent;
        lineIndent = indent;
      } else if (lineIndent < 0) {
        lineIndent = indent;
      }
      para.append(para.length() > 0 ? " " : "").append(text);
    }
    flush(para, paraIndent, skipDeeperThan, out);
    return out;
  }

  /**
   * Ends the paragraph; returns the new skip level, which is the paragraph's indentation when it
   * ends with {@code ::} (a literal block follows).
   */
  private static int flush(
      StringBuilder para, int paraIndent, int skipDeeperThan, List<String> out) {
    if (para.length() == 0) {
      return skipDeeperThan;
    }
    String text = para.toString().strip();
    para.setLength(0);
    if (text.endsWith("::")) {
      text = text.substring(0, text.length() - 2).strip();
      if (!text.isEmpty()) {
        out.add(text + ":");
      }
      return paraIndent;
    }
    out.add(text);
    return skipDeeperThan;
  }

  /** Removes inline markup: roles, literals, links, emphasis, footnote references, escapes. */
  static String inline(String paragraph) {
    String text = paragraph;
    for (int i = 0; i < INLINE.length; i++) {
      text = INLINE_PATTERNS[i].matcher(text).replaceAll(INLINE[i][1]);
    }
    return text.strip();
  }

  /** True for a sentence of running English text rather than code, a path, a table or a title. */
  static boolean isProse(String sentence) {
    String[] words = sentence.split(" ");
    if (words.length < 4 || words.length > 100 || CODE_SIGNS.matcher(sentence).find()) {
      return false;
    }
    int first = sentence.charAt(0) == '"' || sentence.charAt(0) == '(' ? 1 : 0;
    if (sentence.length() <= first || !Character.isUpperCase(sentence.charAt(first))) {
      return false;
    }
    String end = sentence.replaceAll("[)\"'\u201d\u2019]+$", "");
    if (!end.endsWith(".") && !end.endsWith("!") && !end.endsWith("?")) {
      return false;
    }
    long plain = Arrays.stream(words).filter(w -> PLAIN_WORD.matcher(w).matches()).count();
    return plain >= 0.85 * words.length;
  }

  /** Held out when the first bytes of SHA-256(name) fall in the lowest {@code percent} of 100. */
  static boolean isHeldOut(String name, int percent) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      int bucket = (((h[0] & 0xff) << 8) | (h[1] & 0xff)) % 100;
      return bucket < percent;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The document's name: its path under the input directory, without {@code .gz}. */
  private static String name(Path input, Path file) {
    return input.relativize(file).toString().replace('\\', '/').replaceFirst("\\.gz$", "");
  }

  private static void write(Writer out, List<String> doc, boolean separate) throws IOException {
    if (separate) {
      out.write('\n');
    }
    for (String s : doc) {
      out.write(s);
      out.write('\n');
    }
  }

  private static List<String> readLines(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
