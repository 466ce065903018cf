package io.beambert.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import io.beambert.io.RunMetadata;
import io.beambert.text.Vocab;
import io.beambert.trainer.TrainerException;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.LoaderPosition;
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
import java.nio.file.StandardCopyOption;
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
      List.of("checkpoints", "model", ".model.partial", MetricsLog.FILE, MetricsLog.FILE + ".tmp",
          LearningCurve.FILE, LearningCurve.FILE + ".tmp");
  public static final String FINAL_MODEL = "model";

  private TrainJob() {}

  /** Runs the job; returns the final model's folder. */
  public static Path run(TrainOptions o, PrintStream err) throws IOException {
    return run(o, err, List.of());
  }

  /** Runs the job with extra listeners (tests stop a run with one). */
  static Path run(TrainOptions o, PrintStream err, List<TrainingListener> extra) throws IOException {
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
    TrainerState resumed = prepareOutput(out, o, checkpoints, err);
    BertConfig config = config(o, vocab, train, resumed);
    if (train.seqLength() > config.maxPositions()) {
      throw new IllegalArgumentException("the shards' max_seq_length (" + train.seqLength()
          + ") exceeds the model's " + config.maxPositions() + " positions");
    }
    if (heldOut != null && heldOut.seqLength() > config.maxPositions()) {
      throw new IllegalArgumentException("the held-out shards' max_seq_length ("
          + heldOut.seqLength() + ") exceeds the model's " + config.maxPositions() + " positions");
    }
    long instances = train.check(vocab.size(), o.checkShards);
    long heldOutInstances = heldOut == null ? 0 : heldOut.check(vocab.size(), o.checkShards);
    boolean lowerCase = o.doLowerCase != null ? o.doLowerCase
        : train.doLowerCase() != null ? train.doLowerCase() : true;

    if (o.threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.threads));
    }
    Device device = device(o.device);
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
      LearningRateSchedule schedule =
          new LearningRateSchedule(o.schedule, o.learningRate, o.warmup(), o.steps);
      describe(err, o, config, train, instances, heldOut, heldOutInstances, device);

      Map<String, Object> optionMap = o.toMap();
      Checkpoints.Writer finalWriter = dir -> HuggingFaceFolder.write(dir, model, vocab, lowerCase);
      Trainer.CheckpointWriter writer = (step, position) -> checkpoints.save(step, dir -> {
        HuggingFaceFolder.write(dir, model, vocab, lowerCase);
        SafeTensors.write(dir.resolve(Checkpoints.OPTIMIZER), optimizer.state(), Map.of());
        Checkpoints.writeJson(dir.resolve(Checkpoints.STATE), new TrainerState(TrainerState.FORMAT,
            step, position, o.warmup(), config, vocabSha, optionMap));
        CheckpointPause.at(step, dir);
      });
      long began = System.nanoTime();
      try (BatchLoader loader = BatchLoader.training(train, o.seed, o.batchSize, o.shuffleBuffer,
              o.prefetch, vocab.size(), start);
          MetricsLog metrics = MetricsLog.open(out, o.logEvery, startStep)) {
        Evaluator evaluator = heldOut == null ? null
            : new Evaluator(heldOut, o.batchSize, o.evalInstances, vocab.size());
        List<TrainingListener> listeners = new java.util.ArrayList<>(List.of(
            metrics, new ProgressLog(err, o.steps, 5), new LearningCurve(out)));
        listeners.addAll(extra);
        new Trainer(model, manager, optimizer, schedule, loader, evaluator, writer, listeners, o)
            .run(startStep, start);
      }
      Path finalModel = out.resolve(FINAL_MODEL);
      writeAtomically(out, finalModel, finalWriter);
      err.printf(Locale.ROOT, "train: %d steps in %.1f s; model written to %s, metrics to %s, curve to %s%n",
          o.steps - startStep, (System.nanoTime() - began) / 1e9, finalModel,
          out.resolve(MetricsLog.FILE), out.resolve(LearningCurve.FILE));
      return finalModel;
    }
  }

  /**
   * Makes sure {@code out} may receive this run's files and returns the checkpoint state to resume
   * from, or null for a fresh run.
   */
  private static TrainerState prepareOutput(Path out, TrainOptions o, Checkpoints checkpoints,
      PrintStream err) throws IOException {
    if (o.resume) {
      Optional<Path> latest = checkpoints.latest();
      if (latest.isEmpty()) {
        throw new IOException("--resume: " + out + " holds no complete checkpoint"
            + " (checkpoints/step-*/" + Checkpoints.STATE + ")");
      }
      for (Path p : checkpoints.removeIncomplete()) {
        err.println("train: removed " + p + ", a checkpoint a stopped run did not finish");
      }
      TrainerState state = Checkpoints.readState(latest.get());
      List<String> differing = o.differencesForResume(state.options());
      if (!differing.isEmpty()) {
        throw new IllegalArgumentException("--resume: " + String.join(", ", differing)
            + " differ from the run being resumed (" + latest.get().resolve(Checkpoints.STATE)
            + "); a resumed run must repeat them");
      }
      if (state.step() > o.steps) {
        throw new IllegalArgumentException("--resume: the checkpoint is at step " + state.step()
            + ", beyond --steps=" + o.steps);
      }
      return state;
    }
    if (Files.isDirectory(out)) {
      List<Path> entries;
      try (Stream<Path> s = Files.list(out)) {
        entries = s.toList();
      }
      if (!entries.isEmpty()) {
        if (!o.overwrite) {
          throw new IOException(out + " is not empty: --resume continues its run, --overwrite=true"
              + " replaces it");
        }
        for (Path p : entries) {
          if (OUTPUTS.contains(p.getFileName().toString())) {
            Checkpoints.deleteTree(p);
          }
        }
      }
    }
    Files.createDirectories(out);
    return null;
  }

  /** The model's sizes: a resumed run's, or --initFrom's, or the preset's with explicit overrides. */
  static BertConfig config(TrainOptions o, Vocab vocab, ShardSet train, TrainerState resumed)
      throws IOException {
    BertConfig config;
    if (resumed != null) {
      config = resumed.config();
      requireAgreement(o, config, "the run being resumed");
    } else if (o.initFrom != null) {
      config = HuggingFaceFolder.readConfig(Path.of(o.initFrom));
      requireAgreement(o, config, "--initFrom=" + o.initFrom);
      if (config.vocabSize() != vocab.size()) {
        throw new IllegalArgumentException("--initFrom=" + o.initFrom + " has a vocabulary of "
            + config.vocabSize() + " entries but --vocab=" + o.vocab + " has " + vocab.size());
      }
      config = config.withDropout(o.dropout, o.attentionDropout);
    } else {
      config = BertConfig.preset(o.model == null ? "tiny" : o.model, vocab.size(),
          o.maxPositions > 0 ? o.maxPositions : train.seqLength());
      int hidden = o.hidden > 0 ? o.hidden : config.hiddenSize();
      config = config.withSizes(
          o.layers > 0 ? o.layers : config.numLayers(), hidden,
          o.heads > 0 ? o.heads : (o.hidden > 0 ? Math.max(1, hidden / 64) : config.numHeads()),
          o.intermediate > 0 ? o.intermediate : 4 * hidden)
          .withDropout(o.dropout, o.attentionDropout);
    }
    return config;
  }

  /** Explicit size options must agree with sizes that come from elsewhere. */
  private static void requireAgreement(TrainOptions o, BertConfig c, String source) {
    StringBuilder problems = new StringBuilder();
    if (o.model != null) {
      BertConfig preset = BertConfig.preset(o.model, c.vocabSize(), c.maxPositions());
      if (preset.numLayers() != c.numLayers() || preset.hiddenSize() != c.hiddenSize()
          || preset.numHeads() != c.numHeads()) {
        problems.append(", --model=").append(o.model).append(" is L").append(preset.numLayers())
            .append(" H").append(preset.hiddenSize()).append(" A").append(preset.numHeads());
      }
    }
    mismatch(problems, "--layers", o.layers, c.numLayers());
    mismatch(problems, "--hidden", o.hidden, c.hiddenSize());
    mismatch(problems, "--heads", o.heads, c.numHeads());
    mismatch(problems, "--intermediate", o.intermediate, c.intermediateSize());
    mismatch(problems, "--maxPositions", o.maxPositions, c.maxPositions());
    if (problems.length() > 0) {
      throw new IllegalArgumentException(source + " has L" + c.numLayers() + " H" + c.hiddenSize()
          + " A" + c.numHeads() + " I" + c.intermediateSize() + " and " + c.maxPositions()
          + " positions, but" + problems.substring(1));
    }
  }

  private static void mismatch(StringBuilder problems, String option, int value, int actual) {
    if (value > 0 && value != actual) {
      problems.append(", ").append(option).append('=').append(value);
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
      long instances, ShardSet heldOut, long heldOutInstances, Device device) {
    long perStep = (long) o.batchSize * o.accumulate;
    err.printf(Locale.ROOT, "train: %,d instances in %d shards (max_seq_length %d, %d masked"
            + " positions)%s%n", instances, train.shards().size(), train.seqLength(),
        train.predictions(), heldOut == null ? ""
            : String.format(Locale.ROOT, "; held out: %,d instances in %d shards", heldOutInstances,
                heldOut.shards().size()));
    err.printf(Locale.ROOT, "train: model L%d H%d A%d I%d, %d positions, vocabulary %,d: %,d"
            + " parameters%n", c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(),
        c.maxPositions(), c.vocabSize(), c.parameterCount());
    err.printf(Locale.ROOT, "train: device %s (PyTorch %s, %s threads); %,d steps of %,d instances"
            + "%s%n", device.isGpu() ? "GPU " + device.getDeviceId() : "CPU",
        Engine.getInstance().getVersion(), o.threads > 0 ? Integer.toString(o.threads) : "default",
        o.steps, perStep, instances > 0 ? String.format(Locale.ROOT, " (%.2f epochs)",
            (double) o.steps * perStep / instances) : "");
  }

  /** Writes a folder under a temporary name and renames it into place, replacing an older one. */
  private static void writeAtomically(Path parent, Path target, Checkpoints.Writer writer)
      throws IOException {
    Path partial = parent.resolve("." + target.getFileName() + ".partial");
    Checkpoints.deleteTree(partial);
    Files.createDirectories(partial);
    writer.writeInto(partial);
    Checkpoints.deleteTree(target);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
  }
}
