package io.beambert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming commands as a user runs them, in a process of their own: a failed write to standard
 * output (a full disk: {@code /dev/full}) is an error, a reader that goes away ({@code | head -1})
 * ends the command quietly, and a closed standard input is refused.
 */
class StandardStreamsTest {
  @TempDir static Path tmp;
  private static Path vocab;
  private static Path corpus;

  @BeforeAll
  static void files() throws IOException {
    String shared = System.getProperty("beambert.shared", "../../shared");
    vocab = Paths.get(shared, "golden/vocab-bert-base-uncased.txt").toAbsolutePath();
    assertTrue(Files.isRegularFile(vocab), vocab.toString());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append("Line ").append(i).append(" of a corpus that is long enough.\n");
    }
    corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, text, StandardCharsets.UTF_8);
    assertTrue(new File("/dev/full").exists(), "these checks need /dev/full (Linux)");
  }

  /** {@code java -cp TEST_CLASSPATH io.beambert.cli.BeamBert ARGS} as a process. */
  private static ProcessBuilder beambert(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BeamBert.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  private static String stderrOf(Process p) throws IOException {
    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  private static int exit(Process p) throws InterruptedException {
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command did not end");
    return p.exitValue();
  }

  @Test
  void aFullDiskIsAnErrorAndNoSummaryClaimsTheLines() throws Exception {
    Process p =
        beambert("tokenize", "--vocab=" + vocab)
            .redirectInput(corpus.toFile())
            .redirectOutput(new File("/dev/full"))
            .start();
    String err = stderrOf(p);
    assertEquals(BeamBert.EXIT_FAILURE, exit(p), err);
    assertEquals(
        "beambert tokenize: error: cannot write to standard output: No space left on device", err);
  }

  @Test
  void inspectOnAFullDiskIsAnErrorToo() throws Exception {
    Path shards = tmp.resolve("shards");
    io.beambert.io.ShardOutput output =
        io.beambert.io.ShardOutput.to(shards.toString()).withRunDescription("{}", "", "test");
    try (io.beambert.io.InstanceShardWriter w = output.openAll(1)) {
      for (int i = 0; i < 2000; i++) {
        w.write(
            io.beambert.schemas.PretrainingInstance.newBuilder()
                .setInputIds(List.of(101, 2000 + i % 100, 102)).setInputMask(List.of(1, 1, 1))
                .setSegmentIds(List.of(0, 0, 0)).setMaskedLmPositions(List.of(1))
                .setMaskedLmIds(List.of(2000)).setMaskedLmWeights(List.of(1.0f))
                .setNextSentenceLabels(0).build());
      }
    }
    io.beambert.io.OutputDirectory.commit(shards.toString(), 1);
    Process p = beambert("inspect", "--input=" + shards).redirectOutput(new File("/dev/full")).start();
    String err = stderrOf(p);
    assertEquals(BeamBert.EXIT_FAILURE, exit(p), err);
    assertEquals(
        "beambert inspect: error: cannot write to standard output: No space left on device", err);
  }

  @Test
  void aReaderThatGoesAwayEndsTheCommandQuietly() throws Exception {
    Process p = beambert("tokenize", "--vocab=" + vocab).redirectInput(corpus.toFile()).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("[\"line\",\"0\",\"of\",\"a\",\"corpus\",\"that\",\"is\",\"long\",\"enough\",\".\"]",
          out.readLine());
    } // closes the pipe, as head -1 does
    String err = stderrOf(p);
    assertEquals(0, exit(p), err);
    assertEquals("", err, "no summary and no error after the reader left");
  }

  @Test
  void aClosedStandardInputIsRefused() throws Exception {
    String command = String.join(" ", beambert("tokenize", "--vocab=" + vocab).command());
    Process p = new ProcessBuilder("bash", "-c", "exec " + command + " <&-").start();
    String err = stderrOf(p);
    assertEquals(BeamBert.EXIT_USAGE, exit(p), err);
    assertEquals(
        "beambert tokenize: error: standard input is closed; give the text on standard input"
            + " (e.g. < FILE or a pipe)",
        err);
  }
}
