package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.cli.BeamBert;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.vocab.WordPieceLearner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LearnVocabPipelineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path shared(String relative) {
    return Paths.get(System.getProperty("beambert.shared", "../../shared")).resolve(relative);
  }

  /** The golden sample and edge corpora, repeated with variations so that merges have counts. */
  private static List<String> corpus() throws IOException {
    List<String> base = new ArrayList<>();
    base.addAll(Files.readAllLines(shared("golden/sample_text.txt"), StandardCharsets.UTF_8));
    base.addAll(Files.readAllLines(shared("golden/edge_corpus.txt"), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (int copy = 0; copy < 3; copy++) {
      for (String line : base) {
        lines.add(copy == 0 ? line : line + " " + copy);
      }
    }
    return lines;
  }

  /** Runs {@code beambert vocab} with {@code args}; returns its counters. */
  private static Map<String, Long> runVocab(String... args) throws IOException {
    PipelineOptionsFactory.register(LearnVocabPipeline.Options.class);
    LearnVocabPipeline.Options options =
        PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args))
            .withValidation()
            .as(LearnVocabPipeline.Options.class);
    return LearnVocabPipeline.run(options);
  }

  @Test
  void writesVocabTokenizerJsonAndReportThatAgree(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("corpus.txt");
    Files.write(input, corpus(), StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    runVocab(
        "--input=" + input,
        "--output=" + out,
        "--vocabSize=1500",
        "--heldOutPercent=10",
        "--compareVocab=" + shared("golden/vocab-bert-base-uncased.txt"));

    List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"), StandardCharsets.UTF_8);
    assertEquals(WordPieceLearner.SPECIAL_TOKENS, vocab.subList(0, 5));
    assertEquals(1500, vocab.size());

    JsonNode report = JSON.readTree(out.resolve("vocab-report.json").toFile());
    assertEquals(1500, report.get("vocab_size").asInt());
    assertTrue(report.get("alphabet_size").asInt() > 50, report.toString());
    assertTrue(report.get("held_out").get("words").asLong() > 50, report.toString());
    double fertility = report.get("held_out").get("fertility").asDouble();
    assertTrue(fertility >= 1.0 && fertility < 4.0, report.toString());
    JsonNode compare = report.get("compare");
    assertEquals(30522, compare.get("vocab_size").asInt());
    assertEquals(
        report.get("held_out").get("words").asLong(), compare.get("held_out").get("words").asLong());
    assertTrue(compare.get("more_pieces_with_learned").size() > 0, report.toString());

    // Hugging Face loads tokenizer.json as the same tokenizer as ours with the learned vocab.
    BertTokenizer ours = new BertTokenizer(Vocab.of(vocab), true);
    int checked = 0;
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(out.resolve("tokenizer.json"))) {
      for (String line :
          Files.readAllLines(shared("golden/tokenize/uncased.jsonl"), StandardCharsets.UTF_8)) {
        String text = JSON.readTree(line).get("text").asText();
        assertEquals(ours.tokenize(text), Arrays.asList(hf.encode(text, false, false).getTokens()),
            text);
        checked++;
      }
    }
    assertTrue(checked > 300);
  }

  @Test
  void sameVocabInProcessOnDirectAndOnFlinkWhateverTheOrderFileSplitAndParallelism(@TempDir Path dir)
      throws Exception {
    List<String> lines = corpus().subList(0, 400); // tiny: four pipelines and two in-process runs
    Path single = dir.resolve("single.txt");
    Files.write(single, lines, StandardCharsets.UTF_8);
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new Random(42));
    Path split = Files.createDirectory(dir.resolve("split"));
    int third = shuffled.size() / 3;
    Files.write(split.resolve("c.txt"), shuffled.subList(0, third), StandardCharsets.UTF_8);
    Files.write(split.resolve("a.txt"), shuffled.subList(third, 2 * third), StandardCharsets.UTF_8);
    Files.write(
        split.resolve("b.txt"), shuffled.subList(2 * third, shuffled.size()),
        StandardCharsets.UTF_8);

    // In this JVM (the default for small inputs) and as a Beam pipeline, on the DirectRunner and
    // on an embedded Flink at parallelism 1 and 4.
    runVocab("--input=" + single, "--output=" + dir.resolve("inprocess"), "--vocabSize=300");
    runVocab(
        "--input=" + split + "/*.txt", "--output=" + dir.resolve("inprocess-split"),
        "--vocabSize=300");
    runVocab(
        "--input=" + single, "--output=" + dir.resolve("direct"), "--vocabSize=300",
        "--engine=beam");
    runVocab(
        "--input=" + split + "/*.txt", "--output=" + dir.resolve("direct-split"),
        "--vocabSize=300", "--engine=beam");
    for (int parallelism : new int[] {1, 4}) {
      runVocab(
          "--input=" + split + "/*.txt",
          "--output=" + dir.resolve("flink" + parallelism),
          "--vocabSize=300",
          "--runner=FlinkRunner",
          "--flinkMaster=[local]",
          "--parallelism=" + parallelism);
    }

    byte[] direct = Files.readAllBytes(dir.resolve("direct/vocab.txt"));
    assertTrue(direct.length > 600, new String(direct, StandardCharsets.UTF_8));
    byte[] json = Files.readAllBytes(dir.resolve("direct/tokenizer.json"));
    for (String run : List.of("inprocess", "inprocess-split", "direct-split", "flink1", "flink4")) {
      assertArrayEquals(direct, Files.readAllBytes(dir.resolve(run + "/vocab.txt")), run);
      assertArrayEquals(json, Files.readAllBytes(dir.resolve(run + "/tokenizer.json")), run);
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("direct/vocab-report.json")),
          Files.readAllBytes(dir.resolve(run + "/vocab-report.json")),
          run);
    }
  }

  @Test
  void commandLineRunInThisJvmPrintsAndWritesWhatThePipelinePrintsAndWrites(@TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("corpus.txt");
    Files.write(input, corpus(), StandardCharsets.UTF_8);
    String[] plain = {"vocab", "--input=" + input, "--output=" + dir.resolve("plain"),
        "--vocabSize=700", "--heldOutPercent=20"};
    String[] beam = {"vocab", "--input=" + input, "--output=" + dir.resolve("beam"),
        "--vocabSize=700", "--heldOutPercent=20", "--engine=beam"};
    // The plain command line is read directly (no Beam options); the other goes through Beam's.
    assertTrue(VocabJob.readInProcess(Arrays.copyOfRange(plain, 1, plain.length)).isPresent());
    assertFalse(VocabJob.readInProcess(Arrays.copyOfRange(beam, 1, beam.length)).isPresent());
    String printedPlain = runCommand(plain);
    String printedBeam = runCommand(beam);
    assertTrue(printedPlain.contains("corpus_lines_read: " + corpus().size()), printedPlain);
    assertEquals(printedBeam, printedPlain);
    for (String file : List.of("vocab.txt", "tokenizer.json", "vocab-report.json")) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("beam").resolve(file)),
          Files.readAllBytes(dir.resolve("plain").resolve(file)),
          file);
    }
  }

  /**
   * Runs the command line as {@code bin/beambert} does, in a process of its own; returns what it
   * printed on stdout.
   */
  private static String runCommand(String[] args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BeamBert.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), printed);
    return printed;
  }

  @Test
  void heldOutWordsTooLongForWordPieceCountAsUnk(@TempDir Path dir) throws Exception {
    // "--heldOutPercent=50" holds out about half of the lines; the long word is on every line.
    String tooLong = "z".repeat(BertTokenizer.MAX_INPUT_CHARS_PER_WORD + 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.add("line " + i + " " + tooLong);
    }
    Path input = dir.resolve("long.txt");
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    runVocab("--input=" + input, "--output=" + out, "--vocabSize=60", "--heldOutPercent=50");
    JsonNode heldOut = JSON.readTree(out.resolve("vocab-report.json").toFile()).get("held_out");
    long heldOutLines = lines.stream().filter(l -> io.beambert.vocab.HeldOut.isHeldOut(l, 50)).count();
    assertTrue(heldOutLines > 50 && heldOutLines < 150, "held-out lines " + heldOutLines);
    // Each held-out line: "line", the number, and the long word, which is [UNK].
    assertEquals(3 * heldOutLines, heldOut.get("words").asLong(), heldOut.toString());
    assertEquals(heldOutLines, heldOut.get("unk_words").asLong(), heldOut.toString());
  }

  @Test
  void badInputIsCountedNotFatal(@TempDir Path dir) throws Exception {
    Path in = Files.createDirectory(dir.resolve("in"));
    // 3 invalid bytes: a truncated sequence (0xC3 before a space), 0xFF and 0xFE.
    Files.write(
        in.resolve("invalid.txt"),
        concat(
            "caf".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3},
            " ok ".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xFF, (byte) 0xFE},
            "word\nnul\0byte here\n".getBytes(StandardCharsets.UTF_8)));
    Files.write(in.resolve("empty.txt"), new byte[0]);
    try (OutputStream huge = Files.newOutputStream(in.resolve("huge.txt"))) {
      byte[] chunk = "lorem ipsum dolor ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      for (long written = 0; written < 50L << 20; written += chunk.length) {
        huge.write(chunk);
      }
      huge.write("\nlast line\n".getBytes(StandardCharsets.US_ASCII));
    }
    // In this JVM and as a pipeline: the same counters and the same vocabulary.
    Map<String, Long> inProcess = null;
    for (String engine : List.of("inprocess", "beam")) {
      Path out = dir.resolve("out-" + engine);
      Map<String, Long> counters =
          runVocab("--input=" + in + "/*", "--output=" + out, "--vocabSize=50",
              "--minFrequency=1", "--engine=" + engine);
      assertEquals(3L, counters.get("invalid_utf8_bytes_dropped"), counters.toString());
      assertEquals(1L, counters.get("lines_truncated"), counters.toString());
      List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"), StandardCharsets.UTF_8);
      assertTrue(vocab.contains("lorem"), vocab.toString());
      assertTrue(vocab.contains("##f") || vocab.contains("caf"), vocab.toString());
      assertTrue(vocab.stream().noneMatch(t -> t.indexOf('\0') >= 0 || t.indexOf('\uFFFD') >= 0));
      if (inProcess == null) {
        inProcess = counters;
      } else {
        assertEquals(inProcess, counters);
        assertArrayEquals(
            Files.readAllBytes(dir.resolve("out-inprocess/vocab.txt")),
            Files.readAllBytes(out.resolve("vocab.txt")));
      }
    }
  }

  @Test
  void autoRunsInProcessOnTheDirectRunnerAndAsAPipelineOnAnyOtherRunner() {
    assertTrue(LearnVocabPipeline.runsInProcess(
        LearnVocabPipeline.parse(new String[] {"--input=x", "--output=y"})));
    assertTrue(LearnVocabPipeline.runsInProcess(
        LearnVocabPipeline.parse(new String[] {"--input=x", "--output=y", "--engine=inprocess"})));
    assertFalse(LearnVocabPipeline.runsInProcess(
        LearnVocabPipeline.parse(new String[] {"--input=x", "--output=y", "--engine=beam"})));
    assertFalse(LearnVocabPipeline.runsInProcess(
        LearnVocabPipeline.parse(
            new String[] {"--input=x", "--output=y", "--runner=FlinkRunner"})));
  }

  @Test
  void inProcessRunsTakeTheirThreadsFromTargetParallelism() {
    assertEquals(BeamArgs.defaultParallelism(), BeamArgs.directThreads(
        LearnVocabPipeline.parse(new String[] {"--input=x", "--output=y"})));
    assertEquals(3, BeamArgs.directThreads(
        LearnVocabPipeline.parse(new String[] {"--input=x", "--output=y", "--targetParallelism=3"})));
  }

  @Test
  void inProcessWithAnotherRunnerIsAUsageError(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "some text\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamBert.run(
            new String[] {"vocab", "--input=" + input, "--output=" + dir.resolve("out"),
                "--engine=inprocess", "--runner=FlinkRunner"},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(BeamBert.EXIT_USAGE, status, printed);
    assertTrue(
        printed.startsWith("beambert vocab: error: --engine=inprocess runs only on the"
            + " DirectRunner (got FlinkRunner)"),
        printed);
  }

  /** What {@code beambert vocab ARGS} returns and prints on stderr. */
  private static Map.Entry<Integer, String> vocabCli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "vocab";
    System.arraycopy(args, 0, all, 1, args.length);
    int status = BeamBert.run(all, new PrintStream(err, true, StandardCharsets.UTF_8));
    return Map.entry(status, err.toString(StandardCharsets.UTF_8).strip());
  }

  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var list = Files.list(dir)) {
      for (Path f : list.toList()) {
        out.put(f.getFileName().toString(), Files.isDirectory(f) ? "<dir>" : Files.readString(f));
      }
    }
    return out;
  }

  /**
   * A vocabulary is committed like shards: a rerun into its folder is refused without
   * --overwrite=true, and a run that fails while writing leaves the earlier files as they were.
   */
  @Test
  void aVocabularyIsNeitherReplacedByAccidentNorDestroyedByAFailedWrite(@TempDir Path dir)
      throws IOException {
    Path input = dir.resolve("corpus.txt");
    Files.write(input, corpus(), StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    String in = "--input=" + input;
    String to = "--output=" + out;
    assertEquals(0, vocabCli(in, to, "--vocabSize=1500").getKey());
    Map<String, String> first = files(out);
    assertEquals(List.of("tokenizer.json", "vocab-report.json", "vocab.txt"),
        List.copyOf(first.keySet()));

    Map.Entry<Integer, String> refused = vocabCli(in, to, "--vocabSize=1000");
    assertEquals(BeamBert.EXIT_FAILURE, refused.getKey(), refused.getValue());
    assertTrue(refused.getValue().startsWith("beambert vocab: error: --output=" + out
        + " is not empty (it holds "), refused.getValue());
    assertTrue(refused.getValue().endsWith("; use --overwrite=true to replace vocab.txt,"
        + " tokenizer.json and vocab-report.json there, or choose another folder"),
        refused.getValue());
    assertEquals(first, files(out));

    // A write that fails (here: the report's temporary name is taken by a folder).
    Files.createDirectory(out.resolve(".vocab-report.json.inprogress"));
    Map.Entry<Integer, String> failed = vocabCli(in, to, "--vocabSize=1000", "--overwrite=true");
    assertEquals(BeamBert.EXIT_FAILURE, failed.getKey(), failed.getValue());
    assertEquals(1, failed.getValue().split("\n").length, failed.getValue());
    Map<String, String> expected = new java.util.TreeMap<>(first);
    expected.put(".vocab-report.json.inprogress", "<dir>");
    assertEquals(expected, files(out), "the earlier vocabulary is intact, nothing else is left");

    Files.delete(out.resolve(".vocab-report.json.inprogress"));
    assertEquals(0, vocabCli(in, to, "--vocabSize=1000", "--overwrite=true").getKey());
    assertEquals(1000, Files.readAllLines(out.resolve("vocab.txt")).size());
    assertEquals(first.keySet(), files(out).keySet());
  }

  @Test
  void noMatchingFileIsAClearErrorWithNonZeroExit(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String pattern = dir.resolve("missing") + "/*.txt";
    int status =
        BeamBert.run(
            new String[] {"vocab", "--input=" + pattern, "--output=" + dir.resolve("out")},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(BeamBert.EXIT_FAILURE, status);
    assertEquals(
        "beambert vocab: error: no file matches --input=" + pattern,
        err.toString(StandardCharsets.UTF_8).strip());
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  @Test
  void helpListsEveryOptionWithItsOwnDefault() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LearnVocabPipeline.main(new String[] {"--help"});
    } finally {
      System.setOut(saved);
    }
    String help = captured.toString(StandardCharsets.UTF_8);
    Map<String, String> defaults = new java.util.LinkedHashMap<>();
    defaults.put("vocabSize", "30522");
    defaults.put("minFrequency", "2");
    defaults.put("limitAlphabet", "1000");
    defaults.put("doLowerCase", "true");
    defaults.put("heldOutPercent", "1");
    defaults.put("compareVocab", "");
    defaults.put("engine", "auto");
    for (Map.Entry<String, String> e : defaults.entrySet()) {
      String block = optionBlock(help, e.getKey());
      assertTrue(
          block.lines().anyMatch(l -> l.strip().equals(("Default: " + e.getValue()).strip())),
          "--" + e.getKey() + " block lacks its default " + e.getValue() + ":\n" + block);
    }
    for (String required : List.of("input", "output")) {
      assertTrue(optionBlock(help, required).contains("Required."), help);
    }
  }

  /** The lines of {@code --name}'s entry in PipelineOptionsFactory's help, up to the next option. */
  private static String optionBlock(String help, String name) {
    List<String> lines = help.lines().toList();
    StringBuilder block = new StringBuilder();
    boolean in = false;
    for (String line : lines) {
      String stripped = line.strip();
      if (stripped.startsWith("--")) {
        in = stripped.startsWith("--" + name + "=") || stripped.equals("--" + name);
      }
      if (in) {
        block.append(line).append('\n');
      }
    }
    assertTrue(block.length() > 0, "--" + name + " missing from:\n" + help);
    return block.toString();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--vocabsize=10|unknown option --vocabsize",
        "--vocabSize=abc|--vocabSize must be a whole number, got 'abc'",
        "--doLowerCase=maybe|--doLowerCase must be true or false, got 'maybe'",
        "--vocabSize=3|--vocabSize must be greater than 5, got 3",
        "--minFrequency=0|--minFrequency must be at least 1, got 0",
        "--limitAlphabet=0|--limitAlphabet must be at least 1, got 0",
        "--heldOutPercent=51|--heldOutPercent must be in [0, 50], got 51",
        "--engine=fast|--engine must be one of auto, beam, inprocess, got 'fast'",
        "--targetParallelism=0|--targetParallelism must be at least 1, got 0"
      })
  void usageErrorsExitWithStatusTwoAndOneLineNamingTheFlag(
      String flag, String message, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.txt");
    Files.writeString(input, "some text\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamBert.run(
            new String[] {"vocab", "--input=" + input, "--output=" + dir.resolve("out"), flag},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(BeamBert.EXIT_USAGE, status, printed);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.startsWith("beambert vocab: error: " + message), printed);
    assertTrue(!printed.contains("jackson") && !printed.contains("Exception"), printed);
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  @Test
  void missingRequiredOptionIsAUsageError(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BeamBert.run(
            new String[] {"vocab", "--output=" + dir.resolve("out")},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(BeamBert.EXIT_USAGE, status, printed);
    assertTrue(printed.startsWith("beambert vocab: error: missing required option --input"), printed);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
