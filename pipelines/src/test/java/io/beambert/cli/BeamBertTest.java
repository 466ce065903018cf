package io.beambert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BeamBertTest {

  @Test
  void unknownSubcommandIsAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BeamBert.run(new String[] {"frobnicate"}, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(BeamBert.EXIT_USAGE, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown subcommand 'frobnicate'"));
  }

  /** A run that ran out of memory (inside a runner's wrapper) is one line, not a stack trace. */
  @Test
  void outOfMemoryIsOneLineThatSaysWhatToChange() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamBert.report(
            "pretraining-data",
            new RuntimeException("pipeline failed", new OutOfMemoryError("Java heap space")),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(BeamBert.EXIT_FAILURE, status);
    assertEquals(
        "beambert pretraining-data: error: "
            + BeamBert.outOfMemory("pretraining-data", Runtime.getRuntime().maxMemory()),
        err.toString(StandardCharsets.UTF_8).strip());
    assertEquals(
        "out of memory with a heap of 1,024 MB; nothing was committed. Raise the heap (e.g."
            + " BEAMBERT_JAVA_OPTS=-Xmx8g) or ask for less: a smaller --nspPoolSize (distributed"
            + " mode holds one pool a worker), --maxSeqLength or --dupeFactor",
        BeamBert.outOfMemory("pretraining-data", 1L << 30));
  }

  @Test
  void noArgumentsPrintsUsageAndFails() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BeamBert.run(new String[0], new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(BeamBert.EXIT_USAGE, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: beambert SUBCOMMAND"));
  }

  @Test
  void everyRegisteredSubcommandPrintsItsHelp() {
    assertTrue(BeamBert.subcommands().size() >= 4, BeamBert.subcommands().toString());
    PrintStream stdout = System.out;
    for (String name : BeamBert.subcommands()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status;
      try {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        status =
            BeamBert.run(new String[] {name, "--help"}, new PrintStream(err, true, StandardCharsets.UTF_8));
      } finally {
        System.setOut(stdout);
      }
      String help = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertEquals(0, status, name + " --help failed: " + help);
      assertTrue(help.contains("--"), name + " --help lists no option: " + help);
    }
  }

  @Test
  void userFacingCauseSkipsRunnerWrappers() {
    IOException io = new IOException("no file matches /x/*.txt");
    RuntimeException wrapper = new RuntimeException("pipeline failed", new RuntimeException(io));
    assertSame(io, BeamBert.userFacingCause(wrapper));
    assertEquals(null, BeamBert.userFacingCause(new IllegalStateException("bug")));
  }
}
