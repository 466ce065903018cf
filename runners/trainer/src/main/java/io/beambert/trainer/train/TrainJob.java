package io.beambert.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import io.beambert.instances.InstanceVocab;
import io.beambert.io.RunMetadata;
import io.beambert.text.Vocab;
import io.beambert.trainer.OptionException;
import io.beambert.trainer.TrainerException;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.LoaderPosition;
import io.beambert.trainer.data.Masking;
import io.beambert.trainer.data.ShardSet;
import io.beambert.trainer.hf.HuggingFaceFolder;
import io.beambert.trainer.hf.SafeTensors;
import io.beambert.trainer.model.BertConfig;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.optim.AdamW;
import io.beambert.trainer.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code beambert train}: checks the inputs, builds or restores the model, and runs the {@link
 * Trainer} with its metrics, progress, curve and checkpoint collaborators.
 *
 * <p>Everything that can be checked before training is: options, the vocabulary, every shard's
 * framing and first record, the model's sizes against the shards and {@code --initFrom}, the device
 * and the output folder. The run writes into {@code --output}: {@code checkpoints/}, {@code model/}
 * (the final Hugging Face folder), {@code metrics.jsonl} and {@code learning-curve.png}.
 */
public final class TrainJob {
  /** What {@code --overwrite} replaces: this job's outputs, nothing else. */
  private static final List<String> OUTPUTS =
      List.of("checkpoints", "model", ".model.partial", ".model.old", ".model.deleting",
          MetricsLog.FILE, MetricsLog.FILE + ".tmp", LearningCurve.FILE, LearningCurve.FILE + ".tmp");
  public static final String FINAL_MODEL = "model";

  private TrainJob() {}

  /** Runs the job; returns the final model's folder. */
  public static Path run(TrainOptions o, PrintStream err) throws IOException {
    return run(o, err, List.of());
  }

  /** Runs the job with extra listeners (tests stop a run with one). */
  static Path run(TrainOptions o, PrintStream err, List<TrainingListener> extra) throws IOException {
    // Everything is checked before anything in --output is touched.
    o.validate();
    Path out = Path.of(o.output);
    Vocab vocab = Vocab.load(Path.of(o.vocab));
    String vocabSha = RunMetadata.sha256(Path.of(o.vocab));
    ShardSet train = ShardSet.resolve(o.input);
    ShardSet heldOut = o.evalInput == null ? null : ShardSet.resolve(o.evalInput);
    if (train.vocabSha256() != null && !train.vocabSha256().equals(vocabSha)) {
      err.println("train: warning: the shards were made with another vocabulary file than "
          + o.vocab + " (its SHA-256 differs from _metadata.json's vocab_sha256)");
    }
    Checkpoints checkpoints = new Checkpoints(out, o.keepCheckpoints);
    TrainerState resumed = o.resume ? resumable(out, o, checkpoints, vocabSha) : null;
    if (!o.resume) {
      requireWritable(out, o.overwrite);
    }
    BertConfig config = config(o, vocab, train, resumed);
    train.requireFits(config.maxPositions());
    if (heldOut != null) {
      heldOut.requireFits(config.maxPositions());
    }
    Masking masking = o.maskingStrategy();
    int predictions = predictions(o, masking, train, err);
    if (masking != Masking.STATIC) {
      for (String token : InstanceVocab.REQUIRED_TOKENS) {
        if (!vocab.contains(token)) {
          throw new OptionException("--masking=" + masking.option() + " needs " + token
              + ", which the vocabulary " + o.vocab + " lacks");
        }
      }
    }
    long instances = train.check(vocab.size(), o.checkShards);
    if (instances >= 0 && instances < o.worldSize) {
      throw new OptionException("--worldSize=" + o.worldSize + " ranks, but the shards hold only "
          + instances + " instances");
    }
    long heldOutInstances = heldOut == null ? 0 : heldOut.check(vocab.size(), o.checkShards);
    boolean lowerCase = o.doLowerCase != null ? o.doLowerCase
        : train.doLowerCase() != null ? train.doLowerCase() : true;
    LearningRateSchedule schedule =
        new LearningRateSchedule(o.schedule, o.learningRate, o.warmup(), o.steps);
    if (o.threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.threads));
    }
    Device device = device(o.device);

    if (o.resume) {
      for (String done : checkpoints.recover()) {
        err.println("train: " + done);
      }
      for (String done : AtomicFolder.recover(out)) {
        err.println("train: " + done);
      }
    } else {
      clearOutputs(out);
    }
    try (NDManager manager = NDManager.newBaseManager(device)) {
      BertForPreTraining model = BertForPreTraining.create(config, manager, o.seed);
      if (o.initFrom != null) {
        List<String> fresh = HuggingFaceFolder.load(Path.of(o.initFrom), model);
        err.println("train: initialised from " + o.initFrom
            + (fresh.isEmpty() ? "" : "; not in it, so initialised afresh: " + String.join(", ", fresh)));
      }
      AdamW optimizer = new AdamW(model.namedParameters(), o.weightDecay);
      int startStep = 0;
      LoaderPosition start = LoaderPosition.START;
      if (resumed != null) {
        Path from = checkpoints.latest().orElseThrow();
        restore(from, model, optimizer, resumed);
        startStep = resumed.step();
        start = resumed.loader();
        err.println("train: resuming from " + from + " at step " + startStep);
      }
      describe(err, o, config, train, instances, heldOut, heldOutInstances, device, predictions);

      Map<String, Object> optionMap = o.toMap();
      Trainer.CheckpointWriter writer = (step, position) -> checkpoints.save(step, dir -> {
        HuggingFaceFolder.write(dir, model, vocab, lowerCase);
        SafeTensors.write(dir.resolve(Checkpoints.OPTIMIZER), optimizer.state(), Map.of());
        Checkpoints.writeJson(dir.resolve(Checkpoints.STATE),
            new TrainerState(TrainerState.FORMAT, step, position, config, vocabSha, optionMap));
        CheckpointPause.at(step, dir);
      });
      long began = System.nanoTime();
      BatchLoader.Settings feeding = new BatchLoader.Settings(o.seed, o.batchSize, o.shuffleBuffer,
          o.prefetch, o.loaderThreads, masking, o.maskedLmProb, predictions, o.worldSize, o.rank,
          o.bucketByLength);
      try (BatchLoader loader = BatchLoader.training(train, feeding, vocab, start);
          MetricsLog metrics = MetricsLog.open(out, o.logEvery, startStep)) {
        Evaluator evaluator = heldOut == null ? null
            : new Evaluator(heldOut, o.batchSize, o.evalInstances, vocab.size());
        List<TrainingListener> listeners = new ArrayList<>(List.of(
            metrics, new ProgressLog(err, o.steps, 5), new LearningCurve(out)));
        listeners.addAll(extra);
        new Trainer(model, manager, optimizer, schedule, loader, evaluator, writer, listeners, o)
            .run(startStep, start);
      }
      // The run ends with a checkpoint of its last step: the final model is its model folder.
      Path last = checkpoints.latest().orElseThrow();
      Path finalModel = out.resolve(FINAL_MODEL);
      AtomicFolder.replace(finalModel, dir -> HuggingFaceFolder.link(last, dir));
      err.printf(Locale.ROOT, "train: %d step(s) in %.1f s; model written to %s, metrics to %s, curve to %s%n",
          o.steps - startStep, (System.nanoTime() - began) / 1e9, finalModel,
          out.resolve(MetricsLog.FILE), out.resolve(LearningCurve.FILE));
      return finalModel;
    }
  }

  /**
   * Masked slots per instance: the shards' own with static masking; when masking anew, enough for
   * {@code --maskedLmProb} of a full sequence unless {@code --maxPredictionsPerSeq} says otherwise.
   */
  private static int predictions(TrainOptions o, Masking masking, ShardSet train, PrintStream err) {
    if (masking == Masking.STATIC) {
      if (o.maxPredictionsPerSeq > 0 && o.maxPredictionsPerSeq != train.predictions()) {
        throw new OptionException("--maxPredictionsPerSeq applies when masking anew; with"
            + " --masking=static the shards' " + train.predictions() + " are used");
      }
      return train.predictions();
    }
    int wanted = (int) Math.ceil(train.seqLength() * o.maskedLmProb);
    if (o.maxPredictionsPerSeq == 0) {
      return Math.max(train.predictions(), wanted);
    }
    if (o.maxPredictionsPerSeq < wanted) {
      err.println("train: warning: --maxPredictionsPerSeq=" + o.maxPredictionsPerSeq + " caps the"
          + " masking: --maskedLmProb=" + o.maskedLmProb + " of a " + train.seqLength()
          + "-token sequence is " + wanted + " positions");
    }
    return o.maxPredictionsPerSeq;
  }

  /** The state of the newest complete checkpoint, checked against this run's options. */
  private static TrainerState resumable(Path out, TrainOptions o, Checkpoints checkpoints,
      String vocabSha) throws IOException {
    Optional<Path> latest = checkpoints.latest();
    if (latest.isEmpty()) {
      throw new IOException("--resume: " + out + " holds no complete checkpoint"
          + " (checkpoints/step-*/" + Checkpoints.STATE + ")");
    }
    TrainerState state = Checkpoints.readState(latest.get());
    List<String> differing = o.differencesForResume(state.options());
    if (!vocabSha.equals(state.vocabSha256())) {
      differing.add("--vocab (its content)");
    }
    if (!differing.isEmpty()) {
      throw new OptionException("--resume: " + String.join(", ", differing)
          + " differ from the run being resumed (" + latest.get().resolve(Checkpoints.STATE)
          + "); a resumed run must repeat them");
    }
    if (state.step() > o.steps) {
      throw new OptionException("--resume: the checkpoint is at step " + state.step()
          + ", beyond --steps=" + o.steps);
    }
    return state;
  }

  /** A fresh run writes into a new or empty folder, or replaces an earlier run's with --overwrite. */
  private static void requireWritable(Path out, boolean overwrite) throws IOException {
    if (!overwrite && Files.isDirectory(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IOException(out + " is not empty: --resume continues its run, --overwrite=true"
              + " replaces it");
        }
      }
    }
  }

  private static void clearOutputs(Path out) throws IOException {
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.list(out)) {
        for (Path p : s.toList()) {
          if (OUTPUTS.contains(p.getFileName().toString())) {
            AtomicFolder.deleteTree(p);
          }
        }
      }
    }
    Files.createDirectories(out);
  }

  /** The model's sizes: a resumed run's, or --initFrom's, or the preset's with explicit overrides. */
  static BertConfig config(TrainOptions o, Vocab vocab, ShardSet train, TrainerState resumed)
      throws IOException {
    if (resumed != null) {
      requireAgreement(o, resumed.config(), "the run being resumed");
      return resumed.config();
    }
    if (o.initFrom != null) {
      BertConfig config = HuggingFaceFolder.readConfig(Path.of(o.initFrom));
      requireAgreement(o, config, "--initFrom=" + o.initFrom);
      if (config.vocabSize() != vocab.size()) {
        throw new OptionException("--initFrom=" + o.initFrom + " has a vocabulary of "
            + config.vocabSize() + " entries but --vocab=" + o.vocab + " has " + vocab.size());
      }
      return config.withDropout(o.dropout, o.attentionDropout);
    }
    return requested(o, vocab.size(), o.maxPositions > 0 ? o.maxPositions : train.seqLength());
  }

  /** The sizes the options ask for: the preset (tiny by default) with explicit overrides. */
  private static BertConfig requested(TrainOptions o, int vocabSize, int maxPositions) {
    try {
      BertConfig preset =
          BertConfig.preset(o.model == null ? "tiny" : o.model, vocabSize, maxPositions);
      int hidden = o.hidden > 0 ? o.hidden : preset.hiddenSize();
      int heads = o.heads > 0 ? o.heads : o.hidden > 0 ? Math.max(1, hidden / 64) : preset.numHeads();
      return preset.withSizes(o.layers > 0 ? o.layers : preset.numLayers(), hidden, heads,
              o.intermediate > 0 ? o.intermediate : 4 * hidden)
          .withDropout(o.dropout, o.attentionDropout);
    } catch (IllegalArgumentException e) {
      throw new OptionException(e.getMessage(), e);
    }
  }

  /**
   * Size options given explicitly must agree with sizes that come from a checkpoint: the sizes
   * they ask for (a preset and its overrides together) are compared, field by field.
   */
  private static void requireAgreement(TrainOptions o, BertConfig c, String source) {
    boolean explicit = o.model != null || o.layers > 0 || o.hidden > 0 || o.heads > 0
        || o.intermediate > 0;
    List<String> problems = new ArrayList<>();
    if (explicit) {
      BertConfig asked = requested(o, c.vocabSize(), c.maxPositions());
      mismatch(problems, "layers", asked.numLayers(), c.numLayers());
      mismatch(problems, "hidden size", asked.hiddenSize(), c.hiddenSize());
      mismatch(problems, "attention heads", asked.numHeads(), c.numHeads());
      mismatch(problems, "intermediate size", asked.intermediateSize(), c.intermediateSize());
    }
    if (o.maxPositions > 0) {
      mismatch(problems, "positions", o.maxPositions, c.maxPositions());
    }
    if (!problems.isEmpty()) {
      throw new OptionException(source + " has L" + c.numLayers() + " H" + c.hiddenSize() + " A"
          + c.numHeads() + " I" + c.intermediateSize() + " and " + c.maxPositions()
          + " positions, but the options ask for " + String.join(", ", problems));
    }
  }

  private static void mismatch(List<String> problems, String what, int asked, int actual) {
    if (asked != actual) {
      problems.add(asked + " " + what);
    }
  }

  private static void restore(Path checkpoint, BertForPreTraining model, AdamW optimizer,
      TrainerState state) throws IOException {
    List<String> missing = HuggingFaceFolder.load(checkpoint, model);
    if (!missing.isEmpty()) {
      throw new IOException(checkpoint + " lacks parameters: " + String.join(", ", missing));
    }
    Path file = checkpoint.resolve(Checkpoints.OPTIMIZER);
    if (!Files.isRegularFile(file)) {
      throw new IOException(checkpoint + " has no " + Checkpoints.OPTIMIZER);
    }
    optimizer.load(SafeTensors.open(file), state.step());
  }

  /**
   * The device {@code --device} asks for.
   *
   * @throws TrainerException when a GPU is required and DJL sees none
   */
  static Device device(String option) {
    TrainOptions.checkDevice(option);
    Engine engine = Engine.getInstance();
    boolean cudaBuild = engine.hasCapability(StandardCapabilities.CUDA);
    int gpus = engine.getGpuCount();
    if (option.equals("gpu") && gpus == 0) {
      throw new TrainerException("--device=gpu, but " + (cudaBuild
          ? "no CUDA GPU is visible"
          : "the PyTorch library DJL loaded (" + engine.getVersion() + ") is a CPU build; see"
              + " README, \"Training on a GPU\""));
    }
    return option.equals("cpu") || gpus == 0 ? Device.cpu() : Device.gpu();
  }

  private static void describe(PrintStream err, TrainOptions o, BertConfig c, ShardSet train,
      long instances, ShardSet heldOut, long heldOutInstances, Device device, int predictions) {
    long perStep = (long) o.batchSize * o.accumulate * o.worldSize;
    err.printf(Locale.ROOT, "train: %,d instances in %d shards (max_seq_length %d, %d masked"
            + " positions)%s%n", instances, train.shards().size(), train.seqLength(),
        train.predictions(), heldOut == null ? ""
            : String.format(Locale.ROOT, "; held out: %,d instances in %d shards", heldOutInstances,
                heldOut.shards().size()));
    err.printf(Locale.ROOT, "train: model L%d H%d A%d I%d, %d positions, vocabulary %,d: %,d"
            + " parameters%n", c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(),
        c.maxPositions(), c.vocabSize(), c.parameterCount());
    err.printf(Locale.ROOT, "train: device %s (PyTorch %s, %s threads); %,d step(s) of %,d instances"
            + "%s%s%n", device.isGpu() ? "GPU " + device.getDeviceId() : "CPU",
        Engine.getInstance().getVersion(), o.threads > 0 ? Integer.toString(o.threads) : "default",
        o.steps, perStep, o.worldSize > 1 ? " over all ranks" : "", instances > 0
            ? String.format(Locale.ROOT, " (%.2f epochs)", (double) o.steps * perStep / instances)
            : "");
    Masking masking = o.maskingStrategy();
    err.printf(Locale.ROOT, "train: masking %s%s%s%s%n", masking.option(),
        masking == Masking.STATIC ? " (the shards' own masks)" : String.format(Locale.ROOT,
            " anew each time (%.0f%% of tokens, at most %d positions)", 100 * o.maskedLmProb,
            predictions),
        o.worldSize > 1 ? String.format(Locale.ROOT, "; rank %d of %d", o.rank, o.worldSize) : "",
        o.bucketByLength ? "; batches bucketed by length" : "");
  }
}
