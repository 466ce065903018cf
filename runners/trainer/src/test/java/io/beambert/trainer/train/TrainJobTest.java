package io.beambert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.trainer.TrainerException;
import io.beambert.trainer.hf.HuggingFaceFolder;
import io.beambert.trainer.hf.SafeTensors;
import io.beambert.trainer.testing.TestData;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  private static Path shards;
  private static Path heldOut;

  @BeforeAll
  static void data() throws Exception {
    shards = TestData.sample();
    heldOut = TestData.heldOut();
  }

  /** The tests' command line: shards, vocabulary, output, small batches; {@code more} overrides. */
  private static String[] args(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("--input=" + shards, "--vocab=" + TestData.vocab(),
        "--output=" + out, "--batchSize=8", "--learningRate=1e-3", "--warmupSteps=5"));
    for (String option : more) {
      String name = option.split("=", 2)[0];
      a.removeIf(given -> given.split("=", 2)[0].equals(name));
      a.add(option);
    }
    return a.toArray(new String[0]);
  }

  private static List<JsonNode> metrics(Path run, String kind) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve(MetricsLog.FILE))) {
      JsonNode n = JSON.readTree(line);
      if (kind.equals(n.path("kind").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  /** A listener that fails at one step, as a crash would. */
  private static TrainingListener crashAt(int step) {
    return new TrainingListener() {
      @Override
      public void onStep(StepReport report) {
        if (report.step() == step) {
          throw new IllegalStateException("simulated crash at step " + step);
        }
      }
    };
  }

  /**
   * Trains {@code common} uninterrupted into {@code whole}, and into {@code broken} with a crash at
   * {@code crashAt} and a resume; asserts that both logged the same steps and values of {@code
   * fields}, within 1e-5.
   */
  private static void assertResumeRepeats(Path whole, Path broken, String[] common, int crashAt,
      int steps, List<String> fields) throws Exception {
    TrainJob.run(TrainOptions.parse(args(whole, common)), QUIET);
    IllegalStateException crash = assertThrows(IllegalStateException.class,
        () -> TrainJob.run(TrainOptions.parse(args(broken, common)), QUIET, List.of(crashAt(crashAt))));
    assertTrue(crash.getMessage().contains("step " + crashAt));
    List<String> resumeArgs = new ArrayList<>(List.of(args(broken, common)));
    resumeArgs.add("--resume");
    TrainJob.run(TrainOptions.parse(resumeArgs.toArray(new String[0])), QUIET);
    List<JsonNode> a = metrics(whole, "train");
    List<JsonNode> b = metrics(broken, "train");
    assertEquals(steps, a.size());
    assertEquals(steps, b.size(), "the crashed run's last steps are replaced, not repeated");
    for (int i = 0; i < steps; i++) {
      assertEquals(i + 1, b.get(i).path("step").asInt());
      for (String field : fields) {
        assertEquals(a.get(i).path(field).asDouble(), b.get(i).path(field).asDouble(), 1e-5,
            field + " at step " + (i + 1));
      }
    }
  }

  @Test
  void aResumedRunRepeatsTheUninterruptedLosses(@TempDir Path tmp) throws Exception {
    // A small shuffle buffer, so that the resumed stream replays the buffer's replacement phase.
    String[] common = {"--steps=30", "--checkpointEvery=10", "--schedule=linear", "--shuffleBuffer=50"};
    Path whole = tmp.resolve("whole");
    Path broken = tmp.resolve("broken");
    // The crash at step 25 comes after the checkpoint of step 20, which the resume starts from.
    assertResumeRepeats(whole, broken, common, 25, 30, List.of("loss", "mlm_loss", "nsp_loss", "lr"));
    // and the final models agree
    SafeTensors.Reader x = SafeTensors.open(whole.resolve("model").resolve(HuggingFaceFolder.WEIGHTS));
    SafeTensors.Reader y = SafeTensors.open(broken.resolve("model").resolve(HuggingFaceFolder.WEIGHTS));
    for (String name : x.names()) {
      assertArrayEquals(x.floats(name), y.floats(name), 1e-5f, name);
    }
  }

  @Test
  void aResumedRunWithDynamicMaskingAndBucketingRepeatsTheUninterruptedOne(@TempDir Path tmp)
      throws Exception {
    // The checkpoint at step 10 lies inside the first bucketing window (50 batches).
    String[] common = {"--steps=16", "--checkpointEvery=10", "--schedule=constant",
        "--masking=dynamic", "--bucketByLength", "--loaderThreads=2", "--shuffleBuffer=100"};
    Path whole = tmp.resolve("whole");
    Path broken = tmp.resolve("broken");
    assertResumeRepeats(whole, broken, common, 13, 16, List.of("loss", "padded_fraction"));
    assertEquals(10, Checkpoints.readState(broken.resolve("checkpoints/step-00000010"))
        .loader().batchesIntoWindow(), "the resume started inside a window");
    List<JsonNode> a = metrics(whole, "train");
    assertTrue(a.get(0).path("padded_fraction").asDouble() < 0.2,
        "bucketed batches: " + a.get(0).path("padded_fraction"));
  }

  @Test
  void aResumeWithOtherOptionsIsRefused(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    TrainJob.run(TrainOptions.parse(args(run, "--steps=2", "--checkpointEvery=2")), QUIET);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(TrainOptions.parse(args(run, "--steps=4", "--resume", "--seed=7")), QUIET));
    assertTrue(e.getMessage().contains("--seed") && e.getMessage().contains("--steps"), e.getMessage());
    // A checkpoint written before the loader's options existed ran with their defaults.
    Path state = new Checkpoints(run, 3).latest().orElseThrow().resolve(Checkpoints.STATE);
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(state.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.path("options"))
        .remove(List.of("masking", "maskedLmProb", "worldSize", "bucketByLength"));
    Files.writeString(state, json.toString());
    TrainJob.run(TrainOptions.parse(args(run, "--steps=2", "--checkpointEvery=2", "--resume")), QUIET);
    assertEquals(2, metrics(run, "train").size());
  }

  @Test
  void aProcessKilledWhileCheckpointingLeavesThePreviousOne(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("killed");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Djava.awt.headless=true",
        "-D" + CheckpointPause.PROPERTY + "=4", "-cp", System.getProperty("java.class.path"),
        "io.beambert.trainer.cli.TrainerCli", "train"));
    cmd.addAll(List.of(args(run, "--steps=6", "--checkpointEvery=2")));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder log = new StringBuilder();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        log.append(line).append('\n');
        if (line.startsWith("train: pausing before completing")) {
          p.destroyForcibly(); // SIGKILL
          break;
        }
      }
    }
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertTrue(log.toString().contains("pausing"), log.toString());
    Checkpoints checkpoints = new Checkpoints(run, 3);
    assertTrue(Files.isDirectory(checkpoints.root().resolve(".step-00000004.partial")));
    Path previous = checkpoints.latest().orElseThrow();
    assertEquals(Path.of("step-00000002"), previous.getFileName());
    assertEquals(2, Checkpoints.readState(previous).step());

    List<String> resume = new ArrayList<>(List.of(args(run, "--steps=6", "--checkpointEvery=2")));
    resume.add("--resume");
    TrainJob.run(TrainOptions.parse(resume.toArray(new String[0])), QUIET);
    assertFalse(Files.exists(checkpoints.root().resolve(".step-00000004.partial")));
    assertEquals(Path.of("step-00000006"), checkpoints.latest().orElseThrow().getFileName());
    assertEquals(6, metrics(run, "train").size());
  }

  @Test
  void aNonFiniteLossStopsTheRunAndKeepsTheLastCheckpoint(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("nan");
    TrainJob.run(TrainOptions.parse(args(run, "--steps=2", "--checkpointEvery=2",
        "--schedule=constant")), QUIET);
    Path checkpoint = new Checkpoints(run, 3).latest().orElseThrow();
    // Poison the checkpoint's next-sentence bias: every later loss is NaN.
    Path weights = checkpoint.resolve(HuggingFaceFolder.WEIGHTS);
    SafeTensors.Reader r = SafeTensors.open(weights);
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
    for (String name : r.names()) {
      float[] v = r.floats(name);
      if (name.equals("cls.seq_relationship.bias")) {
        v[0] = Float.NaN;
      }
      tensors.put(name, SafeTensors.Tensor.of(v, r.shape(name)));
    }
    SafeTensors.write(weights, tensors, Map.of());
    byte[] before = Files.readAllBytes(weights);
    TrainerException e = assertThrows(TrainerException.class, () -> TrainJob.run(TrainOptions.parse(
        args(run, "--steps=4", "--checkpointEvery=1", "--schedule=constant", "--resume")), QUIET));
    assertTrue(e.getMessage().startsWith("stopped at step 3: the loss is not finite"), e.getMessage());
    assertEquals(checkpoint, new Checkpoints(run, 3).latest().orElseThrow());
    assertArrayEquals(before, Files.readAllBytes(weights));
  }

  @Test
  void aRunWritesMetricsACurveCheckpointsAndAModelThatEvaluateReads(@TempDir Path tmp)
      throws Exception {
    Path run = tmp.resolve("run");
    TrainJob.run(TrainOptions.parse(args(run, "--steps=6", "--checkpointEvery=2",
        "--keepCheckpoints=2", "--evalInput=" + heldOut, "--evalEvery=3", "--evalInstances=40",
        "--logEvery=2")), QUIET);
    List<JsonNode> train = metrics(run, "train");
    assertEquals(List.of(2, 4, 6), train.stream().map(n -> n.path("step").asInt()).toList());
    for (JsonNode n : train) {
      for (String field : List.of("lr", "loss", "mlm_loss", "mlm_accuracy", "nsp_loss",
          "nsp_accuracy", "grad_norm", "samples_per_second", "data_wait_fraction",
          "padded_fraction", "instances")) {
        assertTrue(n.has(field), field + " missing in " + n);
      }
      assertEquals(16, n.path("instances").asInt(), "two steps of 8");
    }
    List<JsonNode> eval = metrics(run, "eval");
    assertEquals(List.of(3, 6), eval.stream().map(n -> n.path("step").asInt()).toList());
    assertEquals(40, eval.get(1).path("instances").asInt());

    byte[] png = Files.readAllBytes(run.resolve(LearningCurve.FILE));
    assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
    assertEquals(List.of("step-00000004", "step-00000006"), listNames(run.resolve("checkpoints")));
    for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer.json",
        "tokenizer_config.json", "special_tokens_map.json")) {
      assertTrue(Files.isRegularFile(run.resolve("model").resolve(f)), f);
      assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-00000006").resolve(f)), f);
    }
    assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-00000006/optimizer.safetensors")));

    JsonNode evaluated = EvaluateJob.parse("--model=" + run.resolve("model"), "--input=" + heldOut,
        "--evalInstances=40", "--batchSize=8").run();
    assertEquals(40, evaluated.path("instances").asInt());
    for (String field : List.of("mlm_loss", "mlm_accuracy", "nsp_loss", "nsp_accuracy")) {
      assertEquals(eval.get(1).path(field).asDouble(), evaluated.path(field).asDouble(), 1e-6, field);
    }
  }

  @Test
  void initFromStartsFromTheFoldersWeightsAndAccumulationFeedsMoreInstances(@TempDir Path tmp)
      throws Exception {
    Path first = tmp.resolve("first");
    TrainJob.run(TrainOptions.parse(args(first, "--steps=8", "--warmupSteps=0",
        "--schedule=constant")), QUIET);
    // Continued pretraining from the first run's model, with no update at all (a zero learning
    // rate for the one step): the step's loss is the trained model's, not a fresh one's.
    Path continued = tmp.resolve("continued");
    TrainJob.run(TrainOptions.parse(args(continued, "--steps=1", "--initFrom=" + first.resolve("model"),
        "--warmupSteps=1")), QUIET);
    Path fresh = tmp.resolve("fresh");
    TrainJob.run(TrainOptions.parse(args(fresh, "--steps=1", "--warmupSteps=1")), QUIET);
    double trained = metrics(continued, "train").get(0).path("mlm_loss").asDouble();
    double untrained = metrics(fresh, "train").get(0).path("mlm_loss").asDouble();
    assertTrue(trained < untrained - 0.3, "continued " + trained + " vs fresh " + untrained);
    SafeTensors.Reader a = SafeTensors.open(first.resolve("model").resolve(HuggingFaceFolder.WEIGHTS));
    SafeTensors.Reader b = SafeTensors.open(continued.resolve("model").resolve(HuggingFaceFolder.WEIGHTS));
    for (String name : a.names()) {
      assertArrayEquals(a.floats(name), b.floats(name), name + " changed at learning rate 0");
    }

    Path accumulated = tmp.resolve("accumulated");
    TrainJob.run(TrainOptions.parse(args(accumulated, "--steps=2", "--accumulate=3")), QUIET);
    for (JsonNode n : metrics(accumulated, "train")) {
      assertEquals(24, n.path("instances").asInt(), "3 micro-batches of 8 per step");
    }
    assertEquals(new io.beambert.trainer.data.LoaderPosition(0, 48),
        Checkpoints.readState(new Checkpoints(accumulated, 3).latest().orElseThrow()).loader());
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A finished command: its status and streams, and its --output folder's entries before it ran. */
  private record Cli(int status, String out, String err, Path output, List<String> before) {}

  private static Cli cli(String... args) {
    Path output = null;
    for (String a : args) {
      if (a.startsWith("--output=")) {
        output = Path.of(a.substring("--output=".length()));
      }
    }
    List<String> before = entries(output);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = io.beambert.trainer.cli.TrainerCliAccess.run(args, new PrintStream(out, true),
        new PrintStream(err, true));
    return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
        output, before);
  }

  /** The entries of a folder (null when it does not exist or no folder was given). */
  private static List<String> entries(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return null;
    }
    try {
      return listNames(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The exit status, one error line (no stack trace), and the output folder as it was: a failed
   * run leaves no new folder and no new file in an existing one.
   */
  private static void assertOneLineError(Cli c, int status, String expected) {
    assertEquals(status, c.status(), c.err());
    assertFalse(c.err().contains("\tat "), "no stack trace: " + c.err());
    assertEquals(1, c.err().lines().filter(l -> l.startsWith("beambert train: error: ")).count(),
        c.err());
    assertTrue(c.err().lines().anyMatch(l -> l.startsWith("beambert train: error: ") && l.contains(expected)),
        "expected '" + expected + "' in: " + c.err());
    assertLeft(c, c.before());
  }

  private static void assertLeft(Cli c, List<String> expected) {
    assertEquals(expected, entries(c.output()), "what the failed run left in " + c.output());
  }

  /** {@code train}'s part of the bad-input catalogue (the others: pipelines' BadInputCatalogueTest). */
  @Test
  void badInputGetsOneLineErrorsBeforeTraining(@TempDir Path tmp) throws Exception {
    List<String> base = List.of("train", "--vocab=" + TestData.vocab(), "--batchSize=2");
    java.util.function.Function<String[], String[]> with = more -> {
      List<String> a = new ArrayList<>(base);
      a.addAll(List.of(more));
      return a.toArray(new String[0]);
    };
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards + "/none-*.avro",
        "--output=" + tmp.resolve("a")})), 1, "no shard matches");
    Path small = tmp.resolve("small-vocab.txt");
    Files.write(small, Files.readAllLines(TestData.vocab()).subList(0, 1000));
    assertOneLineError(cli("train", "--vocab=" + small, "--input=" + shards,
        "--output=" + tmp.resolve("b")), 1, "outside the vocabulary of 1000 entries");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--maxPositions=64",
        "--output=" + tmp.resolve("c")})), 2, "have max_seq_length 128, more than the model's 64 positions");
    Path cut = TestData.copy(shards, tmp.resolve("cut"));
    Path shard = cut.resolve("part-00000-of-00002.avro");
    Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), (int) Files.size(shard) / 2));
    assertOneLineError(cli(with.apply(new String[] {"--input=" + cut, "--output=" + tmp.resolve("d")})),
        1, "part-00000-of-00002.avro");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--resume",
        "--output=" + tmp.resolve("e")})), 1, "holds no complete checkpoint");
    Path gpt = Files.createDirectories(tmp.resolve("gpt"));
    Files.writeString(gpt.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--initFrom=" + gpt,
        "--output=" + tmp.resolve("f")})), 1, "not a BERT");
    Path tiny = tmp.resolve("tiny");
    TrainJob.run(TrainOptions.parse(args(tiny, "--steps=1")), QUIET);
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards,
        "--initFrom=" + tiny.resolve("model"), "--layers=4", "--output=" + tmp.resolve("g")})), 2,
        "but the options ask for 4 layers");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--output=" + tiny})), 1,
        "is not empty");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--bogus=1",
        "--output=" + tmp.resolve("h")})), 2, "Unknown option: '--bogus=1'");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--steps=0",
        "--output=" + tmp.resolve("i")})), 2, "--steps must be at least 1");
    if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
      assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--device=gpu",
          "--output=" + tmp.resolve("j")})), 1, "--device=gpu");
    }
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--maskedLmProb=0.6",
        "--output=" + tmp.resolve("k")})), 2, "--maskedLmProb must be in (0, 0.5]");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--worldSize=2",
        "--rank=2", "--output=" + tmp.resolve("l")})), 2, "--rank must be below --worldSize (2)");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--worldSize=5000",
        "--output=" + tmp.resolve("p")})), 2, "--worldSize=5000 ranks, but the shards hold only");
    Path noMask = tmp.resolve("no-mask-vocab.txt");
    Files.write(noMask, Files.readAllLines(TestData.vocab()).stream()
        .map(t -> t.equals("[MASK]") ? "[NOMASK]" : t).toList());
    assertOneLineError(cli("train", "--vocab=" + noMask, "--input=" + shards, "--masking=dynamic",
        "--output=" + tmp.resolve("m")), 2, "--masking=dynamic needs [MASK]");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--masking=random",
        "--output=" + tmp.resolve("n")})), 2, "--masking must be static, dynamic, wholeWord or span");
    Path flipped = TestData.copy(shards, tmp.resolve("flipped"));
    Path flippedShard = flipped.resolve("part-00001-of-00002.avro");
    byte[] bytes = Files.readAllBytes(flippedShard);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] ^= (byte) 0xFF;
    }
    Files.write(flippedShard, bytes);
    assertOneLineError(cli(with.apply(new String[] {"--input=" + flipped, "--steps=1000",
        "--output=" + tmp.resolve("q")})), 1, "part-00001-of-00002.avro");
    Path swapped = TestData.copy(shards, tmp.resolve("swapped"));
    Files.copy(swapped.resolve("part-00001-of-00002.avro"), swapped.resolve("part-00000-of-00002.avro"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertOneLineError(cli(with.apply(new String[] {"--input=" + swapped, "--steps=1000",
        "--output=" + tmp.resolve("r")})), 1, "part-00000-of-00002.avro");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + tmp.resolve("no-such-folder"),
        "--output=" + tmp.resolve("s")})), 1, "no-such-folder");
    Path corrupt = TestData.copy(shards, tmp.resolve("corrupt"));
    maskTheClsPosition(corrupt.resolve("part-00001-of-00002.avro"), 5);
    Cli damagedRecord = cli(with.apply(new String[] {"--input=" + corrupt, "--masking=dynamic",
        "--steps=1000", "--shuffleBuffer=1", "--output=" + tmp.resolve("o")}));
    assertEquals(1, damagedRecord.status(), damagedRecord.err());
    assertTrue(damagedRecord.err().lines().anyMatch(l -> l.startsWith("beambert train: error: ")
        && l.contains("part-00001-of-00002.avro: record 5 cannot be masked again")),
        damagedRecord.err());
    assertFalse(damagedRecord.err().contains("\tat "), damagedRecord.err());
    // Found while training: the steps so far are logged (no checkpoint was due yet).
    assertLeft(damagedRecord, List.of("metrics.jsonl"));

    // --overwrite replaces a run only once every check has passed: a typo keeps the old run.
    byte[] model = Files.readAllBytes(tiny.resolve("model").resolve(HuggingFaceFolder.WEIGHTS));
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--output=" + tiny,
        "--overwrite=true", "--maxPositions=64"})), 2, "more than the model's 64 positions");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + cut, "--output=" + tiny,
        "--overwrite=true"})), 1, "part-00000-of-00002.avro");
    assertOneLineError(cli(with.apply(new String[] {"--input=" + shards, "--output=" + tiny,
        "--overwrite=true", "--schedule=linaer"})), 2, "--schedule must be linear, constant or cosine");
    assertArrayEquals(model, Files.readAllBytes(tiny.resolve("model").resolve(HuggingFaceFolder.WEIGHTS)));
    assertTrue(Files.isDirectory(tiny.resolve("checkpoints")));
    Cli help = cli("train", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("--checkpointEvery=N")
        && help.out().replaceAll("\\s+", " ").contains("Default: 500."), help.out());
  }

  /** Rewrites a shard with record {@code record}'s first masked position moved to [CLS]. */
  private static void maskTheClsPosition(Path shard, int record) throws IOException {
    Path tmp = shard.resolveSibling(shard.getFileName() + ".tmp");
    try (DataFileReader<GenericRecord> in = new DataFileReader<>(shard.toFile(), new GenericDatumReader<>());
        DataFileWriter<GenericRecord> out = new DataFileWriter<>(new GenericDatumWriter<>())) {
      out.create(in.getSchema(), tmp.toFile());
      int n = 0;
      while (in.hasNext()) {
        GenericRecord r = in.next();
        if (++n == record) {
          @SuppressWarnings("unchecked")
          List<Integer> positions = (List<Integer>) r.get("masked_lm_positions");
          positions.set(0, 0);
        }
        out.append(r);
      }
    }
    Files.move(tmp, shard, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theTrainerHasNoBeamOnItsClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.beam.sdk.Pipeline"));
  }
}
