package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.cli.BeamBert;
import io.beambert.io.RunMetadata;
import io.beambert.instances.InstanceOptions;
import io.beambert.io.CommitOutput;
import io.beambert.transforms.GroupIntoPools;
import io.beambert.transforms.Mask;
import io.beambert.transforms.PackSegments;
import io.beambert.transforms.PairForNsp;
import io.beambert.transforms.ReadDocuments;
import io.beambert.transforms.Tokenize;
import io.beambert.transforms.Truncate;
import io.beambert.transforms.WriteShards;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainingDataPipelineTest {

  private static final Path VOCAB = GoldenFiles.path("golden/vocab-bert-base-uncased.txt");
  private static final Path SAMPLE = GoldenFiles.path("golden/sample_text.txt");

  /** Runs {@code beambert pretraining-data ARGS} through the dispatcher; returns exit status and stderr. */
  private static Result cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "pretraining-data";
    System.arraycopy(args, 0, all, 1, args.length);
    int status = BeamBert.run(all, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int status, String err) {}

  private static Result runOn(Path corpus, Path out, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--input=" + corpus);
    args.add("--vocab=" + VOCAB);
    args.add("--output=" + out);
    args.addAll(Arrays.asList(extra));
    return cli(args.toArray(new String[0]));
  }

  /** {@link #runOn} with the process's own stderr (warnings, progress) added to the result's. */
  private static Result runWithStderr(Path corpus, Path out, String... extra) {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Result r;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      r = runOn(corpus, out, extra);
    } finally {
      System.setErr(saved);
    }
    return new Result(r.status(), r.err() + captured.toString(StandardCharsets.UTF_8));
  }

  private static void assertFails(Result r, String... fragments) {
    assertNotEquals(0, r.status(), r.err());
    assertTrue(r.err().startsWith("beambert pretraining-data: error: "), r.err());
    assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static List<JsonNode> inspect(Path dirOrGlob) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    InspectCommand.run(new String[] {"--input=" + dirOrGlob}, text);
    return GoldenFiles.jsonLines(text.toString(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ the pipeline's graph

  /** The command line's distributed pipeline is made of the named transforms, in their order. */
  @Test
  void theCommandLinePipelineIsMadeOfTheNamedTransforms(@TempDir Path out) throws IOException {
    PretrainingDataPipeline.Options options =
        BeamArgs.parse(
            new String[] {"--input=" + SAMPLE, "--vocab=" + VOCAB, "--output=" + out},
            PretrainingDataPipeline.Options.class,
            "pretraining-data");
    Pipeline pipeline = Pipeline.create(options);
    PretrainingDataPipeline.buildPipeline(pipeline, options);
    List<String> named = new ArrayList<>();
    Set<Class<?>> classes =
        Set.of(
            ReadDocuments.class, GroupIntoPools.class, Tokenize.class, PackSegments.class,
            PairForNsp.class, Truncate.class, Mask.class, WriteShards.class, CommitOutput.class);
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getTransform() != null && classes.contains(node.getTransform().getClass())) {
              named.add(node.getFullName());
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }
        });
    assertEquals(
        List.of(
            "PretrainingData/ReadDocuments",
            "PretrainingData/GroupIntoPools",
            "PretrainingData/Tokenize",
            "PretrainingData/PackSegments",
            "PretrainingData/PairForNsp",
            "PretrainingData/Truncate",
            "PretrainingData/Mask",
            "PretrainingData/WriteShards",
            "PretrainingData/WriteShards/Commit"),
        named);
  }

  // ------------------------------------------------------------------ one writer, no litter

  /** A folder another run holds is refused before anything is written; a dead run's lock is taken over. */
  @Test
  void aFolderInUseIsRefusedAndADeadRunsLockTakenOver(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Path lock = out.resolve(io.beambert.io.OutputLock.NAME);
    // Held by this (running) process: another run is writing.
    Files.writeString(lock, ProcessHandle.current().pid() + "@" + host + " 2026-01-01T00:00:00Z\n");
    Result busy = runOn(SAMPLE, out);
    assertFails(busy, "output directory " + out + " is in use by another beambert run (pid "
        + ProcessHandle.current().pid() + " on " + host, "remove " + lock);
    assertEquals(List.of(io.beambert.io.OutputLock.NAME), names(out));
    // Held by a process of this host that has ended (a killed run): taken over, with a warning.
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Files.writeString(lock, ended.pid() + "@" + host + " 2026-01-01T00:00:00Z\n");
    Result taken = runWithStderr(SAMPLE, out, "--dupeFactor=1");
    assertEquals(0, taken.status(), taken.err());
    assertTrue(taken.err().contains("taking over " + lock + ", left by a run that is no longer"
        + " running (pid " + ended.pid()), taken.err());
    assertEquals(List.of("_metadata.json", "part-00000-of-00001.avro"), names(out));
    // Held by a process of another host: this host cannot tell, so it says how to clear it.
    Files.writeString(lock, "4242@elsewhere.example 2026-01-01T00:00:00Z\n");
    assertFails(runOn(SAMPLE, out, "--overwrite=true"), "pid 4242 on elsewhere.example",
        "if no run is writing there, remove " + lock);
  }

  /**
   * A run whose every document goes to the dead letters fails saying so, keeps only the dead
   * letters, and the next run into the folder goes ahead.
   */
  @Test
  void aFailedRunSaysWhatHappenedAndLeavesOnlyItsDeadLetters(@TempDir Path dir) throws Exception {
    Path corpus = dir.resolve("one-long-line.txt");
    Files.writeString(
        corpus, "x".repeat(InstanceOptions.defaults().maxSentenceBytes() + 1) + "\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Result failed = runOn(corpus, out);
    assertFails(failed, "every document that was read (1) went to the dead letters, so there is"
        + " nothing to write; the reasons are in " + out.resolve("_dead_letter"));
    assertEquals(List.of("_dead_letter"), names(out));
    Result rerun = runWithStderr(SAMPLE, out, "--dupeFactor=1");
    assertEquals(0, rerun.status(), rerun.err());
    assertTrue(rerun.err().contains("removing what a failed run left in " + out), rerun.err());
    assertEquals(List.of("_metadata.json", "part-00000-of-00001.avro"), names(out));
  }

  // ------------------------------------------------------------------ bad options

  @Test
  void commandLineMistakesAreOneLineUsageErrorsNamingTheOption(@TempDir Path out) {
    Result unknown = runOn(SAMPLE, out, "--maxSeqLenght=64");
    assertFails(unknown, "unknown option --maxSeqLenght", "'beambert pretraining-data --help'");
    assertEquals(BeamBert.EXIT_USAGE, unknown.status());
    Result notANumber = runOn(SAMPLE, out, "--maxSeqLength=abc");
    assertFails(notANumber, "--maxSeqLength must be a whole number, got 'abc'");
    assertEquals(BeamBert.EXIT_USAGE, notANumber.status());
    assertFails(runOn(SAMPLE, out, "--maskedLmProb=lots"), "--maskedLmProb must be a number");
    assertFails(runOn(SAMPLE, out, "--overwrite=maybe"), "--overwrite must be true or false");
    Result missing = cli("--input=" + SAMPLE, "--output=" + out);
    assertFails(missing, "missing required option --vocab");
    assertEquals(BeamBert.EXIT_USAGE, missing.status());
  }

  @Test
  void rejectsMaxSeqLengthBelowFive(@TempDir Path out) throws IOException {
    assertFails(runOn(SAMPLE, out, "--maxSeqLength=4"), "maxSeqLength", "4");
    assertEquals(List.of(), names(out));
  }

  @Test
  void rejectsMaskedLmProbOutsideZeroOne(@TempDir Path out) {
    assertFails(runOn(SAMPLE, out, "--maskedLmProb=0"), "maskedLmProb", "(0, 1]");
    assertFails(runOn(SAMPLE, out, "--maskedLmProb=1.5"), "maskedLmProb", "1.5");
  }

  @Test
  void rejectsMaxPredictionsPerSeqBelowOne(@TempDir Path out) {
    assertFails(runOn(SAMPLE, out, "--maxPredictionsPerSeq=0"), "maxPredictionsPerSeq", "0");
  }

  @Test
  void rejectsDupeFactorBelowOne(@TempDir Path out) {
    assertFails(runOn(SAMPLE, out, "--dupeFactor=0"), "dupeFactor", "0");
  }

  @Test
  void rejectsShortSeqProbOutsideZeroOne(@TempDir Path out) {
    assertFails(runOn(SAMPLE, out, "--shortSeqProb=-0.1"), "shortSeqProb", "[0, 1]");
    assertFails(runOn(SAMPLE, out, "--shortSeqProb=1.01"), "shortSeqProb", "1.01");
  }

  @Test
  void rejectsUnknownModeAndShardCount(@TempDir Path out) {
    assertFails(runOn(SAMPLE, out, "--mode=fast"), "--mode", "fast");
    assertFails(runOn(SAMPLE, out, "--numShards=-1"), "numShards", "-1");
    assertFails(runOn(SAMPLE, out, "--nspPoolSize=0"), "nspPoolSize", "0");
  }

  @Test
  void rejectsVocabWithoutSpecialTokens(@TempDir Path dir) throws IOException {
    List<String> lines = Files.readAllLines(VOCAB, StandardCharsets.UTF_8);
    for (String special : List.of("[CLS]", "[SEP]", "[MASK]", "[UNK]")) {
      Path vocab = dir.resolve("vocab-without-" + special.replaceAll("\\W", "") + ".txt");
      List<String> without = new ArrayList<>(lines);
      assertTrue(without.remove(special));
      Files.write(vocab, without, StandardCharsets.UTF_8);
      Path out = dir.resolve("out-" + special.replaceAll("\\W", ""));
      Result r =
          cli("--input=" + SAMPLE, "--vocab=" + vocab, "--output=" + out);
      assertFails(r, special, vocab.getFileName().toString());
      assertEquals(List.of(), names(out));
    }
  }

  @Test
  void rejectsMissingVocab(@TempDir Path dir) {
    Result r = cli("--input=" + SAMPLE, "--vocab=" + dir.resolve("nope.txt"), "--output=" + dir.resolve("o"));
    assertFails(r, "nope.txt");
  }

  @Test
  void rejectsInputThatMatchesNothing(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    assertFails(runOn(dir.resolve("missing-*.txt"), out), "no file matches --input=");
    assertEquals(List.of(), names(out));
  }

  @Test
  void rejectsCorpusWithoutDocuments(@TempDir Path dir) throws IOException {
    Path corpus = dir.resolve("blank.txt");
    // Blank lines, Python whitespace and a line of control characters that tokenizes to nothing.
    Files.writeString(corpus, "\n   \n\u00a0\n\u0007\u0001\n\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    assertFails(runOn(corpus, out), "no non-empty document");
    assertFalse(names(out).contains("_metadata.json"), names(out).toString());
    assertTrue(names(out).stream().noneMatch(n -> n.startsWith("part-")), names(out).toString());
  }

  @Test
  void requiredOptionsAreNamed(@TempDir Path dir) {
    Result r = cli("--input=" + SAMPLE, "--output=" + dir);
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("vocab"), r.err());
  }

  // ------------------------------------------------------------------ output directory

  @Test
  void refusesNonEmptyOutputUnlessOverwrite(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("old.txt"), "x");
    assertFails(runOn(SAMPLE, out, "--dupeFactor=1"), "not empty", "--overwrite=true");
    assertEquals(List.of("old.txt"), names(out));
    assertEquals(0, runOn(SAMPLE, out, "--dupeFactor=1", "--overwrite=true").status());
    assertEquals(List.of("_metadata.json", "old.txt", "part-00000-of-00001.avro"), names(out));
    // A second run into the same directory fails, and leaves the complete output alone.
    assertFails(runOn(SAMPLE, out, "--dupeFactor=1"), "not empty");
    assertTrue(names(out).contains("_metadata.json"));
    // Overwriting with fewer shards removes the old ones.
    assertEquals(0, runOn(SAMPLE, out, "--dupeFactor=1", "--numShards=2", "--overwrite=true").status());
    assertEquals(
        List.of("_metadata.json", "old.txt", "part-00000-of-00002.avro", "part-00001-of-00002.avro"),
        names(out));
  }

  // ------------------------------------------------------------------ shards and metadata

  @Test
  void metadataDescribesTheRun(@TempDir Path out) throws IOException {
    Result r = runOn(SAMPLE, out, "--dupeFactor=5", "--mode=reference");
    assertEquals(0, r.status(), r.err());
    JsonNode meta = new ObjectMapper().readTree(out.resolve("_metadata.json").toFile());
    assertHasEveryOption(meta);
    assertEquals(5, meta.get("options").get("dupeFactor").asInt());
    assertEquals(RunMetadata.sha256(VOCAB), meta.get("vocab_sha256").asText());
    assertEquals("PretrainingInstance", meta.get("schema").get("name").asText());
    JsonNode counts = meta.get("counts");
    int golden = GoldenFiles.jsonLines(GoldenFiles.path("golden/instances/sample_readme.jsonl")).size();
    assertEquals(golden, counts.get("instances").asInt());
    assertEquals(3, counts.get("documents_used").asInt()); // sample_text.txt has three documents
    assertTrue(counts.get("sentences").asInt() > 2);
    assertTrue(counts.get("tokens").asInt() > counts.get("sentences").asInt());
    assertEquals(golden, meta.get("shards").get(0).get("instances").asInt());
    assertTrue(meta.get("wall_time_seconds").asDouble() >= 0);
  }

  private static void assertHasEveryOption(JsonNode meta) {
    for (String option :
        List.of("input", "vocab", "output", "mode", "maxSeqLength", "maxPredictionsPerSeq",
            "maskedLmProb", "dupeFactor", "shortSeqProb", "randomSeed", "doLowerCase",
            "doWholeWordMask", "perWordMaskDecision", "nonSpecialReplacements", "numShards",
            "nspPoolSize", "overwrite", "runner")) {
      assertTrue(meta.get("options").has(option), option);
    }
  }

  @Test
  void distributedIsTheDefaultAndAccountsForEveryDocument(@TempDir Path dir) throws IOException {
    Path corpus = dir.resolve("corpus.txt");
    // Three documents with text, one that tokenizes to nothing, one with a sentence too long.
    String tooLong = "x".repeat(InstanceOptions.defaults().maxSentenceBytes() + 1);
    Files.writeString(
        corpus,
        "First one. Still first.\nAnd more.\n\nSecond document.\n\n\u0007\u0001\n\n"
            + tooLong + "\n\nThird, last document.\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    Result r;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      r = runOn(corpus, out, "--dupeFactor=2", "--nspPoolSize=2");
    } finally {
      System.setErr(saved);
    }
    assertEquals(0, r.status(), r.err());
    String progress = stderr.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("progress: documents 5, instances "), progress);
    assertTrue(progress.contains("instances in 3 shards written to " + out), progress);
    JsonNode meta = new ObjectMapper().readTree(out.resolve("_metadata.json").toFile());
    assertHasEveryOption(meta);
    assertEquals("distributed", meta.get("options").get("mode").asText());
    assertEquals(2, meta.get("options").get("nspPoolSize").asInt());
    assertTrue(meta.get("wall_time_seconds").asDouble() >= 0, meta.toString());
    JsonNode counts = meta.get("counts");
    assertEquals(5, counts.get("documents_read").asInt());
    assertEquals(3, counts.get("documents_used").asInt());
    assertEquals(1, counts.get("documents_empty").asInt());
    assertEquals(1, counts.get("documents_dead_lettered").asInt());
    assertEquals(3, meta.get("shards").size()); // ceil(5 / 2) pools
    List<JsonNode> instances = inspect(out);
    assertWellFormed(instances, 128);
    assertEquals(instances.size(), counts.get("instances").asInt());
    assertTrue(names(out).contains("_dead_letter"), names(out).toString());
    assertEquals(1, names(out.resolve("_dead_letter")).size(), names(out.resolve("_dead_letter")).toString());
    // The dead letter keeps the document; another run refuses the directory, overwriting clears it.
    assertFails(runOn(SAMPLE, out, "--dupeFactor=1"), "not empty");
    assertEquals(0, runOn(SAMPLE, out, "--dupeFactor=1", "--overwrite=true").status());
    assertEquals(List.of(), names(out.resolve("_dead_letter")));
    assertTrue(names(out).contains("part-00000-of-00001.avro"), names(out).toString());
  }

  @Test
  void deadLettersWithoutMetadataAreAFailedRunsLeftoversButNotBesideAnOutput(@TempDir Path dir)
      throws IOException {
    // Without _metadata.json, dead letters are what a failed run left: removed, with a note.
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("_dead_letter"));
    Files.writeString(out.resolve("_dead_letter").resolve("part-00000-of-00001.jsonl"), "{}\n");
    Result r = runWithStderr(SAMPLE, out, "--dupeFactor=1");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("removing what a failed run left in " + out), r.err());
    assertEquals(List.of(), names(out.resolve("_dead_letter")));
    // Beside a finished output they are part of it: replacing needs --overwrite=true.
    Files.createDirectories(out.resolve("_dead_letter"));
    Files.writeString(out.resolve("_dead_letter").resolve("part-00000-of-00001.jsonl"), "{}\n");
    assertFails(runOn(SAMPLE, out, "--dupeFactor=1"), "not empty", "--overwrite=true");
    assertEquals(0, runOn(SAMPLE, out, "--dupeFactor=1", "--overwrite=true").status());
    assertEquals(List.of(), names(out.resolve("_dead_letter")));
  }

  @Test
  void shardsAreRoundRobinAndByteIdenticalOnRerun(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, runOn(SAMPLE, a, "--dupeFactor=5", "--numShards=3", "--mode=reference").status());
    assertEquals(0, runOn(SAMPLE, b, "--dupeFactor=5", "--numShards=3", "--mode=reference").status());
    List<String> shards = List.of(
        "part-00000-of-00003.avro", "part-00001-of-00003.avro", "part-00002-of-00003.avro");
    for (String shard : shards) {
      assertArrayEquals(Files.readAllBytes(a.resolve(shard)), Files.readAllBytes(b.resolve(shard)), shard);
    }
    List<JsonNode> golden =
        GoldenFiles.jsonLines(GoldenFiles.path("golden/instances/sample_readme.jsonl"));
    List<List<JsonNode>> perShard = new ArrayList<>();
    for (String shard : shards) {
      perShard.add(inspect(a.resolve(shard)));
    }
    for (int k = 0; k < golden.size(); k++) {
      assertEquals(golden.get(k), perShard.get(k % 3).get(k / 3), "instance " + k);
    }
    assertEquals(golden.size(), perShard.stream().mapToInt(List::size).sum());
  }

  // ------------------------------------------------------------------ corpus edge cases

  private static List<JsonNode> runAndRead(Path dir, String corpusText, String... extra)
      throws IOException {
    Path corpus = dir.resolve("corpus.txt");
    Files.writeString(corpus, corpusText, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Result r = runOn(corpus, out, extra);
    assertEquals(0, r.status(), r.err());
    return inspect(out);
  }

  private static void assertWellFormed(List<JsonNode> instances, int maxSeqLength) {
    assertFalse(instances.isEmpty());
    for (JsonNode n : instances) {
      assertEquals(maxSeqLength, n.get("input_ids").size());
      int real = 0;
      for (JsonNode m : n.get("input_mask")) {
        real += m.asInt();
      }
      assertTrue(real >= 5 && real <= maxSeqLength, "length " + real);
      assertEquals(101, n.get("input_ids").get(0).asInt()); // [CLS]
      assertEquals(102, n.get("input_ids").get(real - 1).asInt()); // [SEP]
    }
  }

  @Test
  void singleDocumentOfOneSentence(@TempDir Path dir) throws IOException {
    List<JsonNode> instances = runAndRead(dir, "The only sentence here.\n", "--dupeFactor=3");
    assertWellFormed(instances, 128);
    // One sentence: every chunk is forced random-next and the partner is the document itself.
    assertEquals(3, instances.size());
    for (JsonNode n : instances) {
      assertEquals(1, n.get("next_sentence_labels").get(0).asInt());
    }
  }

  @Test
  void documentsOfOneSentenceEach(@TempDir Path dir) throws IOException {
    List<JsonNode> instances =
        runAndRead(dir, "First document.\n\nSecond document.\n\nThird one.\n", "--dupeFactor=2");
    assertWellFormed(instances, 128);
    assertEquals(6, instances.size());
  }

  @Test
  void sentenceLongerThanMaxSeqLength(@TempDir Path dir) throws IOException {
    String longSentence = String.join(" ", java.util.Collections.nCopies(400, "word")) + "\n";
    List<JsonNode> instances =
        runAndRead(dir, longSentence + "A short one.\n", "--dupeFactor=2", "--maxSeqLength=32");
    assertWellFormed(instances, 32);
    long full =
        instances.stream()
            .filter(n -> n.get("input_mask").get(31).asInt() == 1)
            .count();
    assertTrue(full >= 2, "the long sentence is truncated to the budget in every pass: " + full);
  }

  @Test
  void documentOfAMillionTokens(@TempDir Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    String line = String.join(" ", java.util.Collections.nCopies(100, "token")) + ".\n";
    for (int i = 0; i < 10_000; i++) {
      text.append(line); // 101 word pieces a line
    }
    List<JsonNode> instances = runAndRead(dir, text.toString(), "--dupeFactor=1");
    assertWellFormed(instances, 128);
    // 101-piece lines: chunks of two lines, A one line; random nexts put a line back.
    assertTrue(instances.size() > 5_000, "instances: " + instances.size());
  }
}
