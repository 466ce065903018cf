package io.beambert.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.text.Vocab;
import io.beambert.trainer.data.ShardSet;
import io.beambert.trainer.hf.HuggingFaceFolder;
import io.beambert.trainer.model.BertConfig;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.PretrainingLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code beambert evaluate}: the held-out metrics of a model folder (a checkpoint, the final model,
 * or any Hugging Face BERT for pretraining) on shards, printed as one JSON object.
 */
@Command(name = "beambert evaluate", sortOptions = false, mixinStandardHelpOptions = true,
    abbreviateSynopsis = true, usageHelpWidth = 100,
    description = "Print the masked-LM and next-sentence metrics of a model on shards, as JSON.")
public final class EvaluateJob {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A model folder (config.json, model.safetensors, vocab.txt). Required.")
  String model;

  @Option(names = "--input", required = true, paramLabel = "GLOB",
      description = "Shards: a folder, a file, or a glob. Required.")
  String input;

  @Option(paramLabel = "N", names = "--batchSize", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(paramLabel = "N", names = "--evalInstances", defaultValue = "9223372036854775807",
      description = "Evaluate at most this many instances, in path order (default: all).")
  long limit;

  @Option(paramLabel = "auto|cpu|gpu", names = "--device", defaultValue = "auto", description = "auto, cpu or gpu. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(paramLabel = "N", names = "--threads", defaultValue = "0", description = "CPU threads (0: one per core).")
  int threads;

  public static EvaluateJob parse(String... args) {
    EvaluateJob job = new EvaluateJob();
    new CommandLine(job).parseArgs(args);
    return job;
  }

  /** Evaluates and returns the JSON object that {@code beambert evaluate} prints. */
  public ObjectNode run() throws IOException {
    TrainOptions.atLeast("--batchSize", batchSize, 1);
    TrainOptions.atLeast("--evalInstances", limit, 1);
    TrainOptions.atLeast("--threads", threads, 0);
    TrainOptions.checkDevice(device);
    Path dir = Path.of(model);
    BertConfig config = HuggingFaceFolder.readConfig(dir);
    Path vocabFile = dir.resolve(HuggingFaceFolder.VOCAB);
    if (!Files.isRegularFile(vocabFile)) {
      throw new IOException(dir + " has no " + HuggingFaceFolder.VOCAB);
    }
    Vocab vocab = Vocab.load(vocabFile);
    if (vocab.size() != config.vocabSize()) {
      throw new IOException(vocabFile + " has " + vocab.size() + " entries but " + dir
          + "/config.json a vocab_size of " + config.vocabSize());
    }
    ShardSet shards = ShardSet.resolve(input);
    shards.requireFits(config.maxPositions());
    shards.check(vocab.size(), false);
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    Device d = TrainJob.device(device);
    try (NDManager manager = NDManager.newBaseManager(d)) {
      BertForPreTraining bert = BertForPreTraining.create(config, manager, 0);
      List<String> missing = HuggingFaceFolder.load(dir, bert);
      if (!missing.isEmpty()) {
        throw new IOException(dir + " lacks the pretraining heads' parameters "
            + String.join(", ", missing) + ": it cannot be evaluated on masked LM and next sentence");
      }
      Evaluation e = new Evaluator(shards, batchSize, limit, vocab.size())
          .evaluate(bert, new ParameterStore(manager, false), manager);
      PretrainingLoss.Stats s = e.stats();
      ObjectNode n = JSON.createObjectNode();
      n.put("model", model);
      n.put("input", input);
      n.put("instances", s.instances());
      n.put("masked_positions", Math.round(s.mlmCount()));
      n.put("loss", s.loss());
      n.put("mlm_loss", s.mlmLoss());
      n.put("mlm_accuracy", s.mlmAccuracy());
      n.put("nsp_loss", s.nspLoss());
      n.put("nsp_accuracy", s.nspAccuracy());
      n.put("mlm_majority_baseline", e.majorityBaseline());
      return n;
    }
  }
}
