package io.beambert.trainer.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.trainer.OptionException;
import io.beambert.trainer.data.Masking;
import io.beambert.trainer.model.BertConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@code beambert train}, parsed from {@code --name=value} arguments.
 *
 * <p>Each option's description states its default; {@link #validate()} checks ranges and
 * combinations with messages that name the option.
 */
@Command(name = "beambert train", sortOptions = false, mixinStandardHelpOptions = true,
    abbreviateSynopsis = true, usageHelpWidth = 100,
    description = "Pretrain a standard BERT (masked LM + next sentence) on beambert shards and write"
        + " Hugging Face checkpoints.")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class TrainOptions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SCHEDULES = List.of("linear", "constant", "cosine");
  static final List<String> DEVICES = List.of("auto", "cpu", "gpu");

  @Option(names = "--input", required = true, paramLabel = "GLOB",
      description = "Training shards: a folder (its part-*.avro), a file, or a glob. Required.")
  String input;

  @Option(names = "--vocab", required = true, paramLabel = "FILE",
      description = "The vocabulary the shards were made with (vocab.txt). Required.")
  String vocab;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output folder: checkpoints/, model/, metrics.jsonl, learning-curve.png. Required.")
  String output;

  @Option(names = "--model", paramLabel = "PRESET",
      description = "Model size: tiny (L2 H128), mini (L4 H256), small (L4 H512), medium (L8 H512),"
          + " base (L12 H768), large (L24 H1024). Default: tiny, or the sizes of --initFrom.")
  String model;

  @Option(paramLabel = "N", names = "--layers", defaultValue = "0", description = "Encoder layers (0: the preset's).")
  int layers;

  @Option(paramLabel = "N", names = "--hidden", defaultValue = "0", description = "Hidden size (0: the preset's).")
  int hidden;

  @Option(paramLabel = "N", names = "--heads", defaultValue = "0", description = "Attention heads (0: the preset's).")
  int heads;

  @Option(paramLabel = "N", names = "--intermediate", defaultValue = "0",
      description = "Feed-forward size (0: 4 x hidden).")
  int intermediate;

  @Option(paramLabel = "N", names = "--maxPositions", defaultValue = "0",
      description = "Position embeddings (0: the shards' max_seq_length).")
  int maxPositions;

  @Option(paramLabel = "X", names = "--dropout", defaultValue = "0.1",
      description = "Dropout after embeddings and sublayers. Default: ${DEFAULT-VALUE}.")
  float dropout;

  @Option(paramLabel = "X", names = "--attentionDropout", defaultValue = "0.1",
      description = "Dropout on attention probabilities. Default: ${DEFAULT-VALUE}.")
  float attentionDropout;

  @Option(paramLabel = "N", names = "--steps", defaultValue = "1000",
      description = "Optimizer steps to train for. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(paramLabel = "N", names = "--batchSize", defaultValue = "32",
      description = "Instances per micro-batch. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(paramLabel = "N", names = "--accumulate", defaultValue = "1",
      description = "Micro-batches per optimizer step (gradient accumulation). Default: ${DEFAULT-VALUE}.")
  int accumulate;

  @Option(paramLabel = "X", names = "--learningRate", defaultValue = "1e-4",
      description = "Peak learning rate of AdamW. Default: ${DEFAULT-VALUE}.")
  float learningRate;

  @Option(paramLabel = "N", names = "--warmupSteps", defaultValue = "-1",
      description = "Steps of linear warmup from 0 (-1: 10%% of --steps).")
  int warmupSteps;

  @Option(paramLabel = "linear|constant|cosine", names = "--schedule", defaultValue = "linear",
      description = "After warmup: linear (decay to 0 at --steps, BERT's), constant or cosine."
          + " Default: ${DEFAULT-VALUE}.")
  String schedule;

  @Option(paramLabel = "X", names = "--weightDecay", defaultValue = "0.01",
      description = "AdamW weight decay (none on LayerNorm weights and biases). Default: ${DEFAULT-VALUE}.")
  float weightDecay;

  @Option(paramLabel = "X", names = "--maxGradNorm", defaultValue = "1.0",
      description = "Clip gradients to this global norm (0: no clipping). Default: ${DEFAULT-VALUE}.")
  float maxGradNorm;

  @Option(paramLabel = "N", names = "--seed", defaultValue = "42",
      description = "Seed of initialisation, data order and dropout. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(paramLabel = "auto|cpu|gpu", names = "--device", defaultValue = "auto",
      description = "auto (a CUDA GPU when one is visible, else the CPU), cpu or gpu. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(paramLabel = "N", names = "--threads", defaultValue = "0",
      description = "CPU threads for the model's arithmetic (0: one per core).")
  int threads;

  @Option(names = "--evalInput", paramLabel = "GLOB",
      description = "Held-out shards, evaluated every --evalEvery steps and at the end.")
  String evalInput;

  @Option(paramLabel = "N", names = "--evalEvery", defaultValue = "100",
      description = "Steps between evaluations. Default: ${DEFAULT-VALUE}.")
  int evalEvery;

  @Option(paramLabel = "N", names = "--evalInstances", defaultValue = "10000",
      description = "Held-out instances per evaluation, read in order. Default: ${DEFAULT-VALUE}.")
  long evalInstances;

  @Option(paramLabel = "N", names = "--checkpointEvery", defaultValue = "500",
      description = "Steps between checkpoints (one is also written at the end). Default: ${DEFAULT-VALUE}.")
  int checkpointEvery;

  @Option(paramLabel = "N", names = "--keepCheckpoints", defaultValue = "3",
      description = "Newest checkpoints kept. Default: ${DEFAULT-VALUE}.")
  int keepCheckpoints;

  @Option(names = "--resume", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Continue from the newest complete checkpoint in --output. Default: ${DEFAULT-VALUE}.")
  boolean resume;

  @Option(names = "--initFrom", paramLabel = "DIR",
      description = "Start from a Hugging Face BERT folder (continued pretraining).")
  String initFrom;

  @Option(names = "--doLowerCase", arity = "0..1", fallbackValue = "true",
      description = "Casing of the exported tokenizer (default: the shards' own, else true).")
  Boolean doLowerCase;

  @Option(paramLabel = "static|dynamic|wholeWord|span", names = "--masking", defaultValue = "static",
      description = "static: the shards' own masks; dynamic: masked anew each time an instance is fed"
          + " (80/10/10); wholeWord: every piece of a word together; span: SpanBERT's spans."
          + " Default: ${DEFAULT-VALUE}.")
  String masking;

  @Option(paramLabel = "X", names = "--maskedLmProb", defaultValue = "0.15",
      description = "Masking anew: fraction of tokens to mask, in (0, 0.5]. Default: ${DEFAULT-VALUE}.")
  double maskedLmProb;

  @Option(paramLabel = "N", names = "--maxPredictionsPerSeq", defaultValue = "0",
      description = "Masking anew: masked positions per sequence at most (0: the shards'"
          + " max_predictions_per_seq).")
  int maxPredictionsPerSeq;

  @Option(paramLabel = "N", names = "--worldSize", defaultValue = "1",
      description = "Data-parallel ranks sharing each epoch. Default: ${DEFAULT-VALUE}.")
  int worldSize;

  @Option(paramLabel = "N", names = "--rank", defaultValue = "0",
      description = "This rank, below --worldSize: it is fed a disjoint part of every epoch."
          + " Default: ${DEFAULT-VALUE}.")
  int rank;

  @Option(names = "--bucketByLength", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Batches group instances of similar length (within windows of 50 batches),"
          + " so less padding is computed. Default: ${DEFAULT-VALUE}.")
  boolean bucketByLength;

  @Option(paramLabel = "N", names = "--loaderThreads", defaultValue = "1",
      description = "Threads that mask and lay out batches; the batches do not depend on it."
          + " Default: ${DEFAULT-VALUE}.")
  int loaderThreads;

  @Option(paramLabel = "N", names = "--shuffleBuffer", defaultValue = "10000",
      description = "Instances in the loader's shuffle buffer. Default: ${DEFAULT-VALUE}.")
  int shuffleBuffer;

  @Option(paramLabel = "N", names = "--prefetch", defaultValue = "4",
      description = "Batches the loader prepares ahead. Default: ${DEFAULT-VALUE}.")
  int prefetch;

  @Option(paramLabel = "N", names = "--logEvery", defaultValue = "1",
      description = "Steps per line of metrics.jsonl. Default: ${DEFAULT-VALUE}.")
  int logEvery;

  @Option(names = "--checkShards", arity = "0..1", fallbackValue = "true", defaultValue = "true",
      description = "Read every shard's framing to the end before training. Default: ${DEFAULT-VALUE}.")
  boolean checkShards;

  @Option(names = "--overwrite", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Replace the outputs of an earlier run in --output. Default: ${DEFAULT-VALUE}.")
  boolean overwrite;

  /**
   * Parses a command line.
   *
   * @throws CommandLine.ParameterException for an unknown option, a bad value or a missing one
   */
  public static TrainOptions parse(String... args) {
    TrainOptions options = new TrainOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  /** The masking strategy. */
  public Masking maskingStrategy() {
    return Masking.parse(masking);
  }

  /** The warmup length in steps, the default resolved. */
  public int warmup() {
    return warmupSteps >= 0 ? warmupSteps : steps / 10;
  }

  /**
   * Checks ranges and combinations.
   *
   * @throws IllegalArgumentException naming the first option out of range
   */
  public TrainOptions validate() {
    schedule = schedule.toLowerCase(Locale.ROOT);
    device = device.toLowerCase(Locale.ROOT);
    if (model != null) {
      model = model.toLowerCase(Locale.ROOT);
      if (!BertConfig.PRESETS.containsKey(model)) {
        throw new OptionException("--model must be one of " + BertConfig.PRESET_NAMES + ", got " + model);
      }
    }
    if (!SCHEDULES.contains(schedule)) {
      throw new OptionException("--schedule must be linear, constant or cosine, got " + schedule);
    }
    atLeast("--steps", steps, 1);
    atLeast("--batchSize", batchSize, 1);
    atLeast("--accumulate", accumulate, 1);
    atLeast("--evalEvery", evalEvery, 1);
    atLeast("--checkpointEvery", checkpointEvery, 1);
    atLeast("--keepCheckpoints", keepCheckpoints, 1);
    atLeast("--shuffleBuffer", shuffleBuffer, 1);
    atLeast("--prefetch", prefetch, 1);
    atLeast("--logEvery", logEvery, 1);
    atLeast("--evalInstances", evalInstances, 1);
    for (Object[] o : new Object[][] {{"--layers", layers}, {"--hidden", hidden}, {"--heads", heads},
        {"--intermediate", intermediate}, {"--maxPositions", maxPositions}, {"--threads", threads}}) {
      atLeast((String) o[0], (Integer) o[1], 0);
    }
    atLeast("--warmupSteps", warmupSteps, -1);
    if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
      throw new OptionException("--learningRate must be above 0, got " + learningRate);
    }
    if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
      throw new OptionException("--weightDecay must be at least 0, got " + weightDecay);
    }
    if (!(maxGradNorm >= 0) || Float.isInfinite(maxGradNorm)) {
      throw new OptionException("--maxGradNorm must be at least 0, got " + maxGradNorm);
    }
    if (!(dropout >= 0 && dropout < 1) || !(attentionDropout >= 0 && attentionDropout < 1)) {
      throw new OptionException("--dropout and --attentionDropout must be in [0, 1), got "
          + dropout + " and " + attentionDropout);
    }
    checkDevice(device);
    try {
      masking = Masking.parse(masking).option();
    } catch (IllegalArgumentException e) {
      throw new OptionException(e.getMessage());
    }
    if (!(maskedLmProb > 0 && maskedLmProb <= 0.5)) {
      throw new OptionException("--maskedLmProb must be in (0, 0.5], got " + maskedLmProb);
    }
    atLeast("--maxPredictionsPerSeq", maxPredictionsPerSeq, 0);
    atLeast("--worldSize", worldSize, 1);
    atLeast("--rank", rank, 0);
    if (rank >= worldSize) {
      throw new OptionException("--rank must be below --worldSize (" + worldSize + "), got " + rank);
    }
    atLeast("--loaderThreads", loaderThreads, 1);
    if (resume && initFrom != null) {
      throw new OptionException("--resume and --initFrom exclude each other: a resumed run"
          + " continues from its own checkpoint");
    }
    if (resume && overwrite) {
      throw new OptionException("--resume and --overwrite exclude each other");
    }
    return this;
  }

  /** Checks a --device value. */
  static void checkDevice(String device) {
    if (!DEVICES.contains(device)) {
      throw new OptionException("--device must be auto, cpu or gpu, got " + device);
    }
  }

  static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new OptionException(name + " must be at least " + min + ", got " + value);
    }
  }

  /** Every option by name, for the checkpoint's record of the run. */
  public Map<String, Object> toMap() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(this, LinkedHashMap.class);
    map.put("resolvedWarmupSteps", warmup());
    return map;
  }

  /**
   * The options whose change would make a resumed run differ from an uninterrupted one.
   *
   * @return the names of those that differ from {@code saved} (a checkpoint's {@link #toMap()})
   */
  public List<String> differencesForResume(Map<String, Object> saved) {
    List<String> differing = new ArrayList<>();
    Map<String, Object> now = toMap();
    // A checkpoint written before an option existed ran with its default.
    Map<String, Object> defaults = parse("--input=-", "--vocab=-", "--output=-").toMap();
    Map<String, Object> before = new LinkedHashMap<>(defaults);
    before.putAll(saved);
    // The model's sizes are compared as sizes, by the caller; --warmupSteps as resolved, below.
    for (String key : List.of("input", "vocab", "dropout", "attentionDropout", "batchSize",
        "accumulate", "learningRate", "schedule", "weightDecay", "maxGradNorm", "seed",
        "shuffleBuffer", "masking", "maskedLmProb", "maxPredictionsPerSeq", "worldSize", "rank",
        "bucketByLength")) {
      if (!Objects.equals(String.valueOf(now.get(key)), String.valueOf(before.get(key)))) {
        differing.add("--" + key);
      }
    }
    if (!String.valueOf(warmup()).equals(String.valueOf(before.get("resolvedWarmupSteps")))) {
      differing.add("--warmupSteps");
    }
    if (!"linear".equals(schedule) && !"cosine".equals(schedule)) {
      return differing;
    }
    // A decaying schedule depends on --steps, so a resumed run must keep it.
    if (!Objects.equals(String.valueOf(now.get("steps")), String.valueOf(before.get("steps")))) {
      differing.add("--steps (with --schedule=" + schedule + ")");
    }
    return differing;
  }
}
