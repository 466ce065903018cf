package io.beambert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue: bad or edge inputs to {@code vocab}, {@code tokenize}, {@code
 * pretraining-data}, {@code inspect} and {@code verify}, each run as a user runs it (the command
 * line in a process of its own), each asserting the exit status, the one line that says what
 * happened (no stack trace) and what is left on disk. {@code train}'s cases are in the trainer's
 * {@code TrainBadInputCatalogueTest}.
 *
 * <p>Add a case here for every bad input found, so that it stays handled.
 */
class BadInputCatalogueTest {
  @TempDir static Path tmp;
  private static Path vocab;
  private static Path corpus;
  private static Path bigCorpus;
  /** A committed output of 2 shards, made once; cases damage copies of it. */
  private static Path shards;

  private static int dir;

  @BeforeAll
  static void files() throws Exception {
    String shared = System.getProperty("beambert.shared", "../../shared");
    vocab = Paths.get(shared, "golden/vocab-bert-base-uncased.txt").toAbsolutePath();
    assertTrue(Files.isRegularFile(vocab), vocab.toString());
    Path sample = Paths.get("../data/sample/sample-corpus.txt").toAbsolutePath();
    assertTrue(Files.isRegularFile(sample), sample.toString());
    corpus = tmp.resolve("corpus.txt");
    Files.copy(sample, corpus);
    // About 3 MB: a run long enough to be interrupted or raced (several seconds).
    bigCorpus = tmp.resolve("big.txt");
    try (OutputStream out = Files.newOutputStream(bigCorpus)) {
      for (int i = 0; i < 10; i++) {
        out.write(("copy " + i + " of the sample.\n\n").getBytes(StandardCharsets.UTF_8));
        Files.copy(sample, out);
        out.write('\n');
      }
    }
    shards = tmp.resolve("shards");
    Run made =
        beambert("pretraining-data", "--input=" + corpus, "--vocab=" + vocab, "--output=" + shards,
            "--numShards=2", "--dupeFactor=2");
    assertEquals(0, made.exit, made.err);
    assertTrue(new File("/dev/full").exists(), "these cases need /dev/full (Linux)");
  }

  @TestFactory
  Stream<DynamicTest> catalogue() {
    List<DynamicTest> cases = new ArrayList<>();
    vocabCases(cases);
    tokenizeCases(cases);
    pretrainingDataCases(cases);
    inspectCases(cases);
    verifyCases(cases);
    assertTrue(cases.size() >= 40, cases.size() + " cases");
    return cases.stream();
  }

  // ---------------------------------------------------------------- vocab

  private static void vocabCases(List<DynamicTest> cases) {
    add(cases, "vocab: no --input", () -> {
      Path out = fresh();
      Run r = beambert("vocab", "--output=" + out);
      r.fails(2, "beambert vocab: error: .*--input.*");
      assertNull(names(out));
    });
    add(cases, "vocab: an input pattern that matches nothing", () -> {
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + tmp.resolve("nothing-*.txt"), "--output=" + out);
      r.fails(1, "beambert vocab: error: .*nothing-\\*\\.txt.*");
      assertNull(names(out));
    });
    add(cases, "vocab: an empty corpus", () -> {
      Path in = file("empty.txt", "");
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + in, "--output=" + out);
      r.fails(1, "beambert vocab: error: the corpus --input=.*empty.txt has no word to learn"
          + " from .*nothing was written");
      assertNull(names(out));
    });
    add(cases, "vocab: a corpus of blank lines", () -> {
      Path in = file("blank.txt", "\n   \n\t\n");
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + in, "--output=" + out);
      r.fails(1, "beambert vocab: error: the corpus .* has no word to learn from .*");
      assertNull(names(out));
    });
    add(cases, "vocab: a blank corpus through a pipeline (--engine=beam)", () -> {
      Path in = file("blank-beam.txt", "\n\n");
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + in, "--output=" + out, "--engine=beam");
      r.fails(1, "beambert vocab: error: the corpus .* has no word to learn from .*");
      assertEquals(List.of(), nonHidden(out));
    });
    add(cases, "vocab: a truncated .gz input", () -> {
      Path in = truncatedGzip();
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + in, "--output=" + out);
      r.fails(1, "beambert vocab: error: " + Pattern.quote(in.toString())
          + ": the gzip file is truncated \\(it ends inside its compressed data\\)");
      assertNull(names(out));
    });
    add(cases, "vocab: --output is a file", () -> {
      Path out = file("a-file", "keep me\n");
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + out);
      r.fails(1, "beambert vocab: error: --output=.*a-file is a file, not a folder");
      assertEquals("keep me\n", Files.readString(out));
    });
    add(cases, "vocab: --output under a file", () -> {
      Path parent = file("a-parent-file", "x");
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + parent.resolve("sub"));
      r.fails(1, "beambert vocab: error: --output=.*/sub cannot be created: .*a-parent-file is a"
          + " file, not a folder");
      assertEquals("x", Files.readString(parent));
    });
    add(cases, "vocab: a folder holding a vocabulary, without --overwrite", () -> {
      Path out = fresh();
      Files.createDirectories(out);
      Files.writeString(out.resolve("vocab.txt"), "[PAD]\nold\n");
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + out);
      r.fails(1, "beambert vocab: error: --output=.* is not empty \\(it holds vocab.txt\\); use"
          + " --overwrite=true .*");
      assertEquals("[PAD]\nold\n", Files.readString(out.resolve("vocab.txt")));
      assertEquals(List.of("vocab.txt"), names(out));
    });
    add(cases, "vocab: --vocabSize smaller than the alphabet is said", () -> {
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + out, "--vocabSize=50");
      assertEquals(0, r.exit, r.err);
      r.says("vocab: warning: the vocabulary has \\d+ tokens, more than --vocabSize=50: the"
          + " special tokens and the alphabet \\(\\d+ characters, at most --limitAlphabet=1000\\)"
          + " alone need that many; lower --limitAlphabet to stay within --vocabSize");
      assertEquals(List.of("tokenizer.json", "vocab-report.json", "vocab.txt"), names(out));
    });
    add(cases, "vocab: --vocabSize=0", () -> {
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + out, "--vocabSize=0");
      r.fails(2, "beambert vocab: error: --vocabSize .*0.*");
      assertNull(names(out));
    });
    add(cases, "vocab: an unknown option", () -> {
      Path out = fresh();
      Run r = beambert("vocab", "--input=" + corpus, "--output=" + out, "--vocabsize=100");
      r.fails(2, "beambert vocab: error: .*vocabsize.*");
      assertNull(names(out));
    });
    add(cases, "vocab: the report to a full disk (/dev/full)", () -> {
      Path out = fresh();
      Run r = run(List.of(), null, new File("/dev/full"),
          "vocab", "--input=" + corpus, "--output=" + out, "--vocabSize=500");
      r.fails(1, "beambert vocab: error: cannot write to standard output: No space left on"
          + " device");
      // The vocabulary itself was committed before the report was printed.
      assertEquals(List.of("tokenizer.json", "vocab-report.json", "vocab.txt"), names(out));
    });
  }

  // ---------------------------------------------------------------- tokenize

  private static void tokenizeCases(List<DynamicTest> cases) {
    add(cases, "tokenize: standard output on a full disk", () -> {
      Run r = run(List.of(), corpus.toFile(), new File("/dev/full"), "tokenize", "--vocab=" + vocab);
      r.fails(1, "beambert tokenize: error: cannot write to standard output: No space left on"
          + " device");
    });
    add(cases, "tokenize: a closed standard input", () -> {
      List<String> command = command(List.of(), "tokenize", "--vocab=" + vocab);
      Process p =
          new ProcessBuilder("bash", "-c", "exec " + String.join(" ", command) + " <&-").start();
      Run r = Run.of(p);
      r.fails(2, "beambert tokenize: error: standard input is closed; give the text on standard"
          + " input \\(e.g. < FILE or a pipe\\)");
      assertEquals("", r.out);
    });
    add(cases, "tokenize: a reader that goes away (| head -1) ends it quietly", () -> {
      Process p =
          new ProcessBuilder(command(List.of(), "tokenize", "--vocab=" + vocab))
              .redirectInput(bigCorpus.toFile())
              .start();
      String err;
      try {
        try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          assertTrue(out.readLine().startsWith("[\"copy\",\"0\""));
        }
        err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      } finally {
        p.destroyForcibly();
      }
      assertEquals(0, p.exitValue(), err);
      assertEquals("", err.strip());
    });
    add(cases, "tokenize: no --vocab", () -> {
      Run r = run(List.of(), corpus.toFile(), null, "tokenize");
      r.fails(2, "beambert tokenize: error: .*--vocab.*");
      assertEquals("", r.out);
    });
    add(cases, "tokenize: a vocabulary file that does not exist", () -> {
      Run r = run(List.of(), corpus.toFile(), null, "tokenize", "--vocab=" + tmp.resolve("no.txt"));
      r.fails(1, "beambert tokenize: error: .*no.txt.*");
      assertEquals("", r.out);
    });
    add(cases, "tokenize: an empty vocabulary file", () -> {
      Path v = file("empty-vocab.txt", "");
      Run r = run(List.of(), corpus.toFile(), null, "tokenize", "--vocab=" + v);
      r.fails(1, "beambert tokenize: error: .*empty-vocab.txt.*");
      assertEquals("", r.out);
    });
  }

  // ---------------------------------------------------------------- pretraining-data

  private static void pretrainingDataCases(List<DynamicTest> cases) {
    add(cases, "pretraining-data: an input pattern that matches nothing", () -> {
      Path out = fresh();
      Run r = data(out, "--input=" + tmp.resolve("none-*.txt"));
      r.fails(1, "beambert pretraining-data: error: .*none-\\*\\.txt.*");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: an empty corpus", () -> {
      Path out = fresh();
      Run r = data(out, "--input=" + file("empty-corpus.txt", ""));
      r.fails(1, "beambert pretraining-data: error: the corpus --input=.* has no non-empty"
          + " document .*nothing was written");
      assertEquals(List.of(), names(out));
    });
    add(cases, "pretraining-data: a truncated .gz input", () -> {
      Path in = truncatedGzip();
      Path out = fresh();
      Run r = data(out, "--input=" + in);
      r.fails(1, "beambert pretraining-data: error: " + Pattern.quote(in.toString())
          + ": the gzip file is truncated \\(it ends inside its compressed data\\)");
      assertEquals(List.of(), names(out));
    });
    add(cases, "pretraining-data: a truncated .gz input in reference mode", () -> {
      Path in = truncatedGzip();
      Path out = fresh();
      Run r = data(out, "--input=" + in, "--mode=reference");
      r.fails(1, "beambert pretraining-data: error: " + Pattern.quote(in.toString())
          + ": the gzip file is truncated .*");
      assertEquals(List.of(), names(out));
    });
    add(cases, "pretraining-data: a vocabulary without [MASK]", () -> {
      Path v = file("no-mask.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n");
      Path out = fresh();
      Run r = beambert("pretraining-data", "--input=" + corpus, "--vocab=" + v, "--output=" + out);
      r.fails(1, "beambert pretraining-data: error: --vocab=.*no-mask.txt: .*\\[MASK\\].*");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --maxSeqLength=4", () -> {
      Path out = fresh();
      Run r = data(out, "--input=" + corpus, "--maxSeqLength=4");
      r.fails(1, "beambert pretraining-data: error: --maxSeqLength.*4.*");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --streaming in reference mode", () -> {
      Path out = fresh();
      Run r = data(out, "--input=kafka://127.0.0.1:1/docs", "--streaming", "--mode=reference");
      r.fails(1, "beambert pretraining-data: error: --streaming works in distributed mode only.*");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --streaming with --windowSeconds=0", () -> {
      Path out = fresh();
      Run r = data(out, "--input=kafka://127.0.0.1:1/docs", "--streaming", "--windowSeconds=0");
      r.fails(1, "beambert pretraining-data: error: --windowSeconds must be at least 1, got 0");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --streaming from a Kafka input without a topic", () -> {
      Path out = fresh();
      Run r = data(out, "--input=kafka://127.0.0.1:9092", "--streaming");
      r.fails(1, "beambert pretraining-data: error: --input=kafka://127.0.0.1:9092: a Kafka input"
          + " is kafka://HOST:PORT\\[,HOST:PORT...\\]/TOPIC");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --streaming with --numShards", () -> {
      Path out = fresh();
      Run r = data(out, "--input=kafka://127.0.0.1:1/docs", "--streaming", "--numShards=4");
      r.fails(1, "beambert pretraining-data: error: --numShards does not apply with --streaming.*");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: an unknown --mode", () -> {
      Path out = fresh();
      Run r = data(out, "--input=" + corpus, "--mode=fast");
      r.fails(1, "beambert pretraining-data: error: --mode must be 'reference' or 'distributed',"
          + " got 'fast'");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --output is a file", () -> {
      Path out = file("shards-file", "keep\n");
      Run r = data(out, "--input=" + corpus);
      r.fails(1, "beambert pretraining-data: error: --output=.*shards-file is a file, not a"
          + " folder");
      assertEquals("keep\n", Files.readString(out));
    });
    add(cases, "pretraining-data: a folder holding another run's shards, without --overwrite",
        () -> {
          Path out = copyOfShards();
          Map<String, byte[]> before = contents(out);
          Run r = data(out, "--input=" + corpus);
          r.fails(1, "beambert pretraining-data: error: output directory .* is not empty .*"
              + "--overwrite=true.*");
          assertContentsEqual(before, contents(out));
        });
    add(cases, "pretraining-data: a padding-hungry --maxSeqLength is refused up front", () -> {
      Path out = fresh();
      // The launcher's heap for distributed mode.
      Run r = run(List.of("-Xmx1g"), null, null, "pretraining-data", "--input=" + corpus,
          "--vocab=" + vocab, "--output=" + out, "--maxSeqLength=30000000");
      r.fails(1, "beambert pretraining-data: error: --maxSeqLength=30000000 and"
          + " --maxPredictionsPerSeq=20 pad every instance to at least 90,000,120 bytes and need"
          + " about [\\d,]+ MB of memory for \\d+ workers?, more than half of this JVM's [\\d,]+ MB"
          + " heap: lower them, or raise the heap \\(e.g. BEAMBERT_JAVA_OPTS=-Xmx\\d+g\\)");
      assertNull(names(out));
    });
    add(cases, "pretraining-data: --maxSeqLength=100000 runs in a 256 MB heap", () -> {
      // Instances padded to 100,000 positions are 300 KB each on the wire; a pool holds their
      // tokens only (the padding is put back as each is written).
      Path out = fresh();
      Run r = run(List.of("-Xmx256m"), null, null, "pretraining-data", "--input=" + corpus,
          "--vocab=" + vocab, "--output=" + out, "--maxSeqLength=100000", "--dupeFactor=3");
      assertEquals(0, r.exit, r.err);
      r.says("pretraining-data: [\\d,]+ instances in \\d+ shards? written to .*");
      assertTrue(names(out).contains("_metadata.json"));
      assertEquals(0, beambert("verify", out.toString()).exit);
    });
    add(cases, "pretraining-data: every document dead-lettered", () -> {
      Path in = tmp.resolve("one-long-line.txt");
      if (!Files.exists(in)) {
        byte[] line = new byte[10_500_000];
        Arrays.fill(line, (byte) 'a');
        for (int i = 5; i < line.length; i += 6) {
          line[i] = ' ';
        }
        Files.write(in, line);
      }
      Path out = fresh();
      Run r = data(out, "--input=" + in);
      r.fails(1, "beambert pretraining-data: error: every document that was read \\(1\\) went to"
          + " the dead letters.*" + Pattern.quote(out.resolve("_dead_letter").toString()) + ".*");
      assertEquals(List.of("_dead_letter"), names(out));
      // The rerun is not blocked by the failed run's dead letters.
      Run again = data(out, "--input=" + corpus);
      assertEquals(0, again.exit, again.err);
      assertFalse(names(out).contains("_dead_letter"));
    });
    add(cases, "pretraining-data: a corpus in Latin-1 is counted and warned about", () -> {
      Path in = tmp.resolve("latin1.txt");
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 500; i++) {
        // é and è in Latin-1 (0xE9, 0xE8): not UTF-8, each dropped as one invalid byte.
        bytes.writeBytes(("Le caf" + (char) 0xE9 + " num" + i + " est tr" + (char) 0xE8 + "s bon.\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        if (i % 5 == 4) {
          bytes.write('\n');
        }
      }
      Files.write(in, bytes.toByteArray());
      for (String mode : List.of("distributed", "reference")) {
        Path out = fresh();
        Run r = data(out, "--input=" + in, "--mode=" + mode);
        assertEquals(0, r.exit, r.err);
        r.says("pretraining-data: warning: 1,000 bytes \\(\\d+\\.\\d% of --input=.*latin1.txt\\) are"
            + " not valid UTF-8 and were dropped: is a binary file, or text in another encoding,"
            + " among the input\\? \\(invalid_utf8_bytes in _metadata.json\\)");
        assertEquals(1000, new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve("_metadata.json").toFile()).get("counts")
            .get("invalid_utf8_bytes").asLong(), mode);
      }
      // Valid input: no warning, a count of 0.
      Path out = fresh();
      Run clean = data(out, "--input=" + corpus);
      assertFalse(clean.err.contains("warning"), clean.err);
    });
    add(cases, "pretraining-data: a folder locked by a live run", () -> {
      Path out = fresh();
      Files.createDirectories(out);
      // The test's own process is alive on this host.
      String lock = ProcessHandle.current().pid() + "@" + hostname() + " 2026-01-01T00:00:00Z\n";
      Files.writeString(out.resolve(".beambert.lock"), lock);
      Run r = data(out, "--input=" + corpus);
      r.fails(1, "beambert pretraining-data: error: .*" + Pattern.quote(out.toString())
          + " is in use by .*" + ProcessHandle.current().pid() + ".*");
      assertEquals(List.of(".beambert.lock"), names(out));
      assertEquals(lock, Files.readString(out.resolve(".beambert.lock")));
    });
    add(cases, "pretraining-data: the lock of a dead run is taken over", () -> {
      Path out = fresh();
      Files.createDirectories(out);
      Files.writeString(out.resolve(".beambert.lock"), deadPid() + "@" + hostname() + " x\n");
      Run r = data(out, "--input=" + corpus);
      assertEquals(0, r.exit, r.err);
      r.says("beambert: taking over .*\\.beambert\\.lock, left by a run that is no longer running"
          + " \\(pid " + deadPid() + " on .*\\)");
      assertFalse(names(out).contains(".beambert.lock"));
      assertEquals(0, beambert("verify", out.toString()).exit);
    });
    add(cases, "pretraining-data: a lock held from another host", () -> {
      Path out = fresh();
      Files.createDirectories(out);
      Files.writeString(out.resolve(".beambert.lock"), "42@elsewhere.example 2026-01-01T00:00:00Z\n");
      Run r = data(out, "--input=" + corpus);
      r.fails(1, "beambert pretraining-data: error: output directory .* is in use by another"
          + " beambert run \\(pid 42 on elsewhere.example, since 2026-01-01T00:00:00Z\\); wait for"
          + " it to end, or, if no run is writing there, remove "
          + Pattern.quote(out.resolve(".beambert.lock").toString()));
      assertEquals(List.of(".beambert.lock"), names(out));
    });
    add(cases, "pretraining-data: two concurrent runs into one folder", () -> {
      Path out = fresh();
      Process first = start(List.of(), "pretraining-data", "--input=" + bigCorpus,
          "--vocab=" + vocab, "--output=" + out, "--numShards=3");
      Run second;
      Run one;
      try {
        waitFor(out.resolve(".beambert.lock"), first);
        second = data(out, "--input=" + corpus, "--numShards=5");
        one = Run.of(first);
      } finally {
        first.destroyForcibly(); // nothing outlives a failed case
      }
      assertEquals(0, one.exit, one.err);
      second.fails(1, "beambert pretraining-data: error: .* is in use by .*");
      assertEquals(
          List.of("_metadata.json", "part-00000-of-00003.avro", "part-00001-of-00003.avro",
              "part-00002-of-00003.avro"),
          names(out));
      assertEquals(0, beambert("verify", out.toString()).exit);
    });
    add(cases, "pretraining-data: killed (kill -9) in the middle, then run again", () -> {
      Path killed = fresh();
      Process p = start(List.of(), "pretraining-data", "--input=" + bigCorpus,
          "--vocab=" + vocab, "--output=" + killed, "--numShards=4");
      try {
        waitFor(killed.resolve(".beambert.lock"), p);
        Thread.sleep(1500);
      } finally {
        p.destroyForcibly();
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertFalse(
          names(killed).contains("_metadata.json"), "a killed run looks complete: " + names(killed));
      Run rerun = data(killed, "--input=" + bigCorpus, "--numShards=4");
      assertEquals(0, rerun.exit, rerun.err);
      Path clean = fresh();
      assertEquals(0, data(clean, "--input=" + bigCorpus, "--numShards=4").exit);
      assertEquals(names(clean), names(killed));
      for (String name : names(clean)) {
        if (name.endsWith(".avro")) {
          assertArrayEquals(Files.readAllBytes(clean.resolve(name)),
              Files.readAllBytes(killed.resolve(name)), name);
        }
      }
    });
  }

  // ---------------------------------------------------------------- inspect

  private static void inspectCases(List<DynamicTest> cases) {
    add(cases, "inspect: a shard cut to half its size", () -> {
      Path out = copyOfShards();
      Path shard = out.resolve("part-00000-of-00002.avro");
      cut(shard, Files.size(shard) / 2);
      Run r = beambert("inspect", "--input=" + shard);
      r.fails(1, "beambert inspect: error: " + Pattern.quote(shard.toString()) + " is truncated or"
          + " damaged: its last complete block ends at byte \\d+ of \\d+ \\(\\d+ instances before it\\)");
      wholeJsonLines(r.out);
    });
    add(cases, "inspect: a shard with flipped bytes", () -> {
      Path out = copyOfShards();
      Path shard = out.resolve("part-00001-of-00002.avro");
      flip(shard, Files.size(shard) / 2, 64);
      Run r = beambert("inspect", "--input=" + shard);
      r.fails(1, "beambert inspect: error: " + Pattern.quote(shard.toString()) + " is not a whole"
          + " Avro shard of pretraining instances \\(.*\\); \\d+ of its instances were printed");
      wholeJsonLines(r.out);
    });
    add(cases, "inspect: a file that is not Avro among good shards", () -> {
      Path out = copyOfShards();
      Path bad = out.resolve("part-00001-of-00002.avro");
      Files.writeString(bad, "this is not an Avro file\n");
      Run r = beambert("inspect", "--input=" + out.resolve("part-*.avro"));
      r.fails(1, "beambert inspect: error: cannot read " + Pattern.quote(bad.toString())
          + " \\(InvalidAvroMagicException: Not an Avro data file.\\); 0 of its instances were"
          + " printed");
      wholeJsonLines(r.out);
    });
    add(cases, "inspect: a header-only fragment", () -> {
      Path out = copyOfShards();
      Path shard = out.resolve("part-00000-of-00002.avro");
      cut(shard, 600);
      Run r = beambert("inspect", "--input=" + shard);
      r.fails(1, "beambert inspect: error: cannot read " + Pattern.quote(shard.toString())
          + " \\(the file ends too early: cut off\\); 0 of its instances were printed");
      assertFalse(r.err.contains("null"), r.err);
    });
    add(cases, "inspect: a shard with more instances than _metadata.json lists", () -> {
      Path out = copyOfShards();
      Path listed = out.resolve("part-00000-of-00002.avro");
      Files.copy(out.resolve("part-00001-of-00002.avro"), listed,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Run r = beambert("inspect", "--input=" + listed);
      r.fails(1, "beambert inspect: error: " + Pattern.quote(listed.toString()) + " holds \\d+"
          + " instances but _metadata.json lists \\d+");
    });
    add(cases, "inspect: standard output on a full disk", () -> {
      Run r = run(List.of(), null, new File("/dev/full"), "inspect", "--input=" + shards);
      r.fails(1, "beambert inspect: error: cannot write to standard output: No space left on"
          + " device");
    });
    add(cases, "inspect: nothing matches --input", () -> {
      Run r = beambert("inspect", "--input=" + tmp.resolve("no-shards-*.avro"));
      r.fails(1, "beambert inspect: error: .*no-shards-.*");
      assertEquals("", r.out);
    });
  }

  // ---------------------------------------------------------------- verify

  private static void verifyCases(List<DynamicTest> cases) {
    add(cases, "verify: a whole output", () -> {
      Run r = beambert("verify", shards.toString());
      assertEquals(0, r.exit, r.err);
      assertTrue(r.out.strip().endsWith(String.format(java.util.Locale.ROOT,
          " is whole: 2 shards, %,d instances", metadataInstances(shards))), r.out);
    });
    add(cases, "verify: a cut shard", () -> {
      Path out = copyOfShards();
      Path shard = out.resolve("part-00001-of-00002.avro");
      cut(shard, Files.size(shard) - 100);
      Run r = beambert("verify", out.toString());
      assertEquals(1, r.exit, r.err);
      assertTrue(r.out.contains("part-00001-of-00002.avro: BAD"), r.out);
      assertTrue(r.out.contains("part-00000-of-00002.avro: ok"), r.out);
    });
    add(cases, "verify: a missing shard", () -> {
      Path out = copyOfShards();
      Files.delete(out.resolve("part-00000-of-00002.avro"));
      Run r = beambert("verify", out.toString());
      assertEquals(1, r.exit, r.err);
      assertTrue(r.out.contains("part-00000-of-00002.avro: MISSING"), r.out);
    });
    add(cases, "verify: a shard that _metadata.json does not list", () -> {
      Path out = copyOfShards();
      Files.copy(out.resolve("part-00000-of-00002.avro"), out.resolve("part-00000-of-00003.avro"));
      Run r = beambert("verify", out.toString());
      assertEquals(1, r.exit, r.err);
      assertTrue(r.out.contains("part-00000-of-00003.avro: NOT LISTED"), r.out);
    });
    add(cases, "verify: a folder without _metadata.json", () -> {
      Path out = copyOfShards();
      Files.delete(out.resolve("_metadata.json"));
      Run r = beambert("verify", out.toString());
      r.fails(1, "beambert verify: error: .*_metadata.json.*");
    });
    add(cases, "verify: a folder that does not exist", () -> {
      Run r = beambert("verify", tmp.resolve("no-such-folder").toString());
      r.fails(1, "beambert verify: error: .*no-such-folder.*");
    });
    add(cases, "verify: no folder given", () -> {
      Run r = beambert("verify");
      r.fails(2, "beambert verify: error: .*");
    });
  }

  // ---------------------------------------------------------------- helpers

  private static void add(List<DynamicTest> cases, String name, Executable body) {
    cases.add(DynamicTest.dynamicTest(name, body));
  }

  /** What a finished command did: exit status, standard output and standard error. */
  private record Run(int exit, String out, String err) {
    static Run of(Process p) throws Exception {
      // Standard error is read on its own thread so that neither pipe fills up and blocks.
      StringBuilder err = new StringBuilder();
      Thread t = new Thread(() -> {
        try {
          err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          err.append(e);
        }
      });
      t.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the command did not end within 300 s");
      }
      t.join();
      return new Run(p.exitValue(), out, err.toString());
    }

    /**
     * Exit status {@code status}, exactly one error line on stderr (a line starting with {@code
     * "beambert "}), matching {@code line}, and no stack trace.
     */
    void fails(int status, String line) {
      assertEquals(status, exit, err);
      List<String> errors =
          err.lines().filter(l -> l.startsWith("beambert ")).toList();
      assertEquals(1, errors.size(), err);
      assertTrue(Pattern.matches(line, errors.get(0)), "got: " + errors.get(0));
      assertFalse(err.contains("\tat "), "a stack trace:\n" + err);
    }

    /** A line of stderr matches {@code line}. */
    void says(String line) {
      assertTrue(err.lines().anyMatch(l -> Pattern.matches(line, l)), err);
    }
  }

  private static List<String> command(List<String> jvm, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BeamBert.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Process start(List<String> jvm, String... args) throws IOException {
    return new ProcessBuilder(command(jvm, args)).start();
  }

  private static Run run(List<String> jvm, File stdin, File stdout, String... args)
      throws Exception {
    ProcessBuilder b = new ProcessBuilder(command(jvm, args));
    if (stdin != null) {
      b.redirectInput(stdin);
    }
    if (stdout != null) {
      b.redirectOutput(stdout);
    }
    return Run.of(b.start());
  }

  private static Run beambert(String... args) throws Exception {
    return run(List.of(), null, null, args);
  }

  private static Run data(Path out, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("pretraining-data", "--vocab=" + vocab,
        "--output=" + out));
    all.addAll(List.of(args));
    return beambert(all.toArray(new String[0]));
  }

  /** A new path under the temporary folder, not created. */
  private static synchronized Path fresh() {
    return tmp.resolve("case-" + (++dir));
  }

  private static Path file(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static Path truncatedGzip() throws IOException {
    Path gz = tmp.resolve("truncated.txt.gz");
    if (!Files.exists(gz)) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        Files.copy(corpus, out);
      }
      byte[] all = bytes.toByteArray();
      Files.write(gz, Arrays.copyOf(all, all.length / 3));
    }
    return gz;
  }

  /** The entries of {@code dir}, sorted (hidden ones too); null when it does not exist. */
  private static List<String> names(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return null;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<String> nonHidden(Path dir) throws IOException {
    List<String> all = names(dir);
    return all == null ? List.of() : all.stream().filter(n -> !n.startsWith(".")).toList();
  }

  private static Path copyOfShards() throws IOException {
    Path out = fresh();
    Files.createDirectories(out);
    try (Stream<Path> s = Files.list(shards)) {
      for (Path p : s.toList()) {
        Files.copy(p, out.resolve(p.getFileName()));
      }
    }
    return out;
  }

  private static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    for (String name : names(dir)) {
      m.put(name, Files.readAllBytes(dir.resolve(name)));
    }
    return m;
  }

  private static void assertContentsEqual(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
  }

  private static void cut(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  private static void flip(Path file, long at, int count) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (int i = 0; i < count; i++) {
        f.seek(at + i);
        int b = f.read();
        f.seek(at + i);
        f.write(b ^ 0xFF);
      }
    }
  }

  /** Every line of {@code out} is a whole JSON object (none cut off). */
  private static void wholeJsonLines(String out) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    if (!out.isEmpty()) {
      assertTrue(out.endsWith("\n"), "a cut-off last line");
    }
    for (String line : out.lines().toList()) {
      assertTrue(json.readTree(line).has("input_ids"), line);
    }
  }

  private static long metadataInstances(Path dir) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("_metadata.json").toFile()).get("counts").get("instances").asLong();
  }

  private static String hostname() throws IOException {
    return java.net.InetAddress.getLocalHost().getHostName();
  }

  private static long deadPid = -1;

  /** The pid of a process that has ended (pids are not reused at once). */
  private static synchronized long deadPid() throws Exception {
    if (deadPid < 0) {
      Process p = new ProcessBuilder("true").start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      deadPid = p.pid();
    }
    return deadPid;
  }

  /** Waits until {@code file} exists (the run has started), failing if {@code p} ends first. */
  private static void waitFor(Path file, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(file)) {
      assertTrue(p.isAlive(), "the run ended before " + file + " appeared");
      assertTrue(System.nanoTime() < deadline, file + " did not appear");
      Thread.sleep(20);
    }
  }
}
