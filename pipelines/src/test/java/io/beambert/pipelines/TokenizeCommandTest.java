package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.cli.BeamBert;
import io.beambert.cli.UsageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  private static final String VOCAB =
      Paths.get(System.getProperty("beambert.shared", "../../shared"))
          .resolve("golden/vocab-bert-base-uncased.txt").toString();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private TokenizeCommand.Summary run(byte[] input, String... args) throws IOException {
    return TokenizeCommand.run(args, new ByteArrayInputStream(input), out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesOneJsonArrayOfTokensPerLine() throws IOException {
    TokenizeCommand.Summary s = run("Hello, World!\n\nna\u00efve caf\u00e9 \"q\" \\\n".getBytes(
        StandardCharsets.UTF_8), "--vocab=" + VOCAB);
    assertEquals("[\"hello\",\",\",\"world\",\"!\"]\n[]\n"
        + "[\"naive\",\"cafe\",\"\\\"\",\"q\",\"\\\"\",\"\\\\\"]\n", stdout());
    assertEquals(new TokenizeCommand.Summary(3, 10, 0), s);
    assertEquals("beambert tokenize: 3 lines, 10 tokens, 0 invalid UTF-8 bytes dropped\n",
        err.toString(StandardCharsets.UTF_8));
    // The output is valid JSON that round-trips.
    ObjectMapper json = new ObjectMapper();
    assertEquals(List.of("naive", "cafe", "\"", "q", "\"", "\\"),
        json.readValue(stdout().split("\n")[2], List.class));
  }

  @Test
  void writesIdsAndHonoursCasing() throws IOException {
    run("Hello hello".getBytes(StandardCharsets.UTF_8), "--vocab=" + VOCAB, "--ids",
        "--doLowerCase=false");
    assertEquals("[100,7592]\n", stdout());
  }

  @Test
  void dropsInvalidUtf8AndNul() throws IOException {
    byte[] input = {'h', 'e', (byte) 0xFF, 'l', 'l', 'o', 0, '\n', (byte) 0xC3, '\n', 0, 0};
    TokenizeCommand.Summary s = run(input, "--vocab=" + VOCAB);
    assertEquals("[\"hello\"]\n[]\n[]\n", stdout());
    assertEquals(new TokenizeCommand.Summary(3, 1, 2), s);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("2 invalid UTF-8 bytes dropped"));
  }

  @Test
  void emptyInputGivesNoOutput() throws IOException {
    assertEquals(new TokenizeCommand.Summary(0, 0, 0), run(new byte[0], "--vocab=" + VOCAB));
    assertEquals("", stdout());
  }

  @Test
  void longLinesAreTokenizedExactlyInPieces() throws IOException {
    // About 1 MB on one line: many 64 KiB pieces, one JSON array.
    String sentence = "The \u03a3\u039f\u03a6\u039f\u03a3, said she. ";
    String line = sentence.repeat(40_000);
    run((line + "\nend").getBytes(StandardCharsets.UTF_8), "--vocab=" + VOCAB);
    String[] lines = stdout().split("\n");
    assertEquals(2, lines.length);
    // Each sentence tokenizes on its own exactly as inside the long line (final sigma included).
    List<String> tokens = new io.beambert.text.BertTokenizer(
        io.beambert.text.Vocab.load(Paths.get(VOCAB)), true).tokenize(sentence);
    assertTrue(tokens.get(tokens.size() - 5).endsWith("\u03c2"), tokens.toString());
    StringBuilder oneBuilder = new StringBuilder();
    for (String t : tokens) {
      TokenizeCommand.quote(oneBuilder.length() == 0 ? oneBuilder : oneBuilder.append(','), t);
    }
    String one = oneBuilder.toString();
    assertEquals("[" + String.join(",", java.util.Collections.nCopies(40_000, one)) + "]",
        lines[0]);
    assertEquals("[\"end\"]", lines[1]);
  }

  @Test
  void fiftyMegabyteLineStreamsThrough() throws IOException {
    // 50 MB without a newline, generated on the fly; output only counted.
    long size = 50L << 20;
    InputStream huge = new InputStream() {
      long left = size;

      @Override
      public int read() {
        return left-- > 0 ? (left % 4 == 0 ? ' ' : 'a') : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) read();
        }
        return n;
      }
    };
    long[] written = {0};
    int[] newlines = {0};
    OutputStream counting = new OutputStream() {
      @Override
      public void write(int b) {
        written[0]++;
        if (b == '\n') {
          newlines[0]++;
        }
      }
    };
    TokenizeCommand.Summary s = TokenizeCommand.run(new String[] {"--vocab=" + VOCAB, "--ids"},
        huge, counting, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, s.lines());
    assertEquals(size / 4, s.tokens());
    assertEquals(1, newlines[0]);
  }

  @Test
  void fiftyMegabyteWordWithoutSpacesRunsIn128Megabytes() throws Exception {
    // One word of 50 MB: a single [UNK], read without holding the word.
    long size = 50L << 20;
    ChildRun r = runInChildJvm(size, "a", "[\"[UNK]\"]\n");
    assertEquals(0, r.status, r.stderr);
    assertTrue(r.stderr.contains("1 lines, 1 tokens, 0 invalid UTF-8 bytes dropped, 1 long words"),
        r.stderr);
  }

  @Test
  void fiftyMegabyteLineOfShortSentencesRunsIn128Megabytes() throws Exception {
    // "ab." repeated without any space: cut after the full stops.
    long units = (50L << 20) / 3;
    List<String> unit = new io.beambert.text.BertTokenizer(
        io.beambert.text.Vocab.load(Paths.get(VOCAB)), true).tokenize("ab.");
    StringBuilder json = new StringBuilder();
    for (String t : unit) {
      TokenizeCommand.quote(json.length() == 0 ? json : json.append(','), t);
    }
    ChildRun r = runInChildJvm(units * 3, "ab.", null, json.toString(), units);
    assertEquals(0, r.status, r.stderr);
    assertTrue(r.stderr.contains("1 lines, " + units * unit.size() + " tokens, 0 invalid UTF-8"
        + " bytes dropped\n"), r.stderr);
  }

  private record ChildRun(int status, String stderr) {}

  private static ChildRun runInChildJvm(long size, String pattern, String expected)
      throws Exception {
    return runInChildJvm(size, pattern, expected, null, 0);
  }

  /**
   * Runs {@code TokenizeCommand} in a JVM limited to 128 MB of heap on {@code size} bytes of {@code
   * pattern} repeated (no newline), streamed to its stdin, and checks its stdout while it streams:
   * either equal to {@code expected}, or one JSON array of {@code units} copies of {@code unitJson}.
   */
  private static ChildRun runInChildJvm(long size, String pattern, String expected,
      String unitJson, long units) throws Exception {
    Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
    Path errFile = Files.createTempFile("tokenize-child", ".err");
    try {
      Process p = new ProcessBuilder(javaBin.toString(), "-Xmx128m",
          "-cp", System.getProperty("java.class.path"), TokenizeCommand.class.getName(),
          "--vocab=" + VOCAB)
          .redirectError(errFile.toFile())
          .start();
      byte[] bytes = pattern.repeat(Math.max(1, (1 << 16) / pattern.length()))
          .getBytes(StandardCharsets.UTF_8);
      Thread feeder = new Thread(() -> {
        try (OutputStream stdin = p.getOutputStream()) {
          for (long left = size; left > 0; ) {
            int n = (int) Math.min(bytes.length, left);
            stdin.write(bytes, 0, n);
            left -= n;
          }
        } catch (IOException e) {
          // The child died early: its status and stderr tell why.
        }
      });
      feeder.start();
      String mismatch;
      try (InputStream stdout = new java.io.BufferedInputStream(p.getInputStream(), 1 << 16)) {
        mismatch = expected != null
            ? compare(stdout, List.of(expected).iterator())
            : compare(stdout, jsonArray(unitJson, units));
      }
      feeder.join();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      int status = p.isAlive() ? -1 : p.exitValue();
      String err = Files.readString(errFile, StandardCharsets.UTF_8);
      assertNull(mismatch, err);
      return new ChildRun(status, err);
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  /** The chunks of "[" + unit ("," + unit)* + "]\n" with {@code units} units. */
  private static java.util.Iterator<String> jsonArray(String unit, long units) {
    return new java.util.Iterator<>() {
      long i = -1;

      @Override
      public boolean hasNext() {
        return i < units;
      }

      @Override
      public String next() {
        i++;
        if (i == 0) {
          return units == 0 ? "[]\n" : "[" + unit;
        }
        return i < units ? "," + unit : "]\n";
      }
    };
  }

  /** Null when the stream holds exactly the concatenated chunks, else what differs. */
  private static String compare(InputStream in, java.util.Iterator<String> chunks)
      throws IOException {
    long offset = 0;
    while (chunks.hasNext()) {
      byte[] want = chunks.next().getBytes(StandardCharsets.UTF_8);
      for (byte b : want) {
        int got = in.read();
        if (got != (b & 0xFF)) {
          in.transferTo(OutputStream.nullOutputStream());
          return "stdout differs at byte " + offset + ": expected " + (b & 0xFF) + ", got " + got;
        }
        offset++;
      }
    }
    int extra = in.read();
    if (extra >= 0) {
      in.transferTo(OutputStream.nullOutputStream());
      return "stdout has more than the expected " + offset + " bytes";
    }
    return null;
  }

  @Test
  void helpListsEveryOptionWithItsDefault() throws IOException {
    assertNull(run(new byte[0], "--help"));
    String help = stdout();
    assertTrue(help.contains("--vocab=FILE") && help.contains("(required)"), help);
    assertTrue(help.contains("--doLowerCase=true|false") && help.contains("(default: true)"), help);
    assertTrue(help.contains("--ids") && help.contains("(default: off)"), help);
  }

  @Test
  void badCommandLinesAndVocabsThrowOneClearError(@TempDir Path dir) throws IOException {
    UsageException unknown =
        assertThrows(UsageException.class, () -> run(new byte[0], "--vocab=" + VOCAB, "--bogus"));
    assertTrue(unknown.getMessage().contains("--bogus"), unknown.getMessage());
    assertThrows(UsageException.class, () -> run(new byte[0]));
    assertThrows(UsageException.class,
        () -> run(new byte[0], "--vocab=" + VOCAB, "--doLowerCase=maybe"));
    Path missing = dir.resolve("missing.txt");
    IOException e = assertThrows(IOException.class, () -> run(new byte[0], "--vocab=" + missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Path noUnk = dir.resolve("nounk.txt");
    Files.writeString(noUnk, "a\n");
    assertThrows(IllegalArgumentException.class, () -> run(new byte[0], "--vocab=" + noUnk));
    assertEquals("", stdout());
  }

  @Test
  void dispatcherReportsErrorsInOneLine() {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int status = BeamBert.run(new String[] {"tokenize", "--bogus"},
        new PrintStream(e, true, StandardCharsets.UTF_8));
    assertEquals(BeamBert.EXIT_USAGE, status);
    String message = e.toString(StandardCharsets.UTF_8);
    assertTrue(message.startsWith("beambert tokenize: error: unknown option '--bogus'"), message);
    assertEquals(1, message.split("\n").length);
  }
}
