package io.beambert.trainer.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.beambert.trainer.data.Batch;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.ShardSet;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.PretrainingLoss;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Held-out metrics: the model in evaluation mode (no dropout) over the first {@code limit}
 * instances of a shard set, read in path order, so every evaluation sees the same instances.
 */
public final class Evaluator {
  private final ShardSet shards;
  private final int batchSize;
  private final long limit;
  private final int vocabSize;

  public Evaluator(ShardSet shards, int batchSize, long limit, int vocabSize) {
    this.shards = shards;
    this.batchSize = batchSize;
    this.limit = limit;
    this.vocabSize = vocabSize;
  }

  /** The held-out metrics of {@code model}, in evaluation mode. */
  public Evaluation evaluate(BertForPreTraining model, ParameterStore store, NDManager parent)
      throws IOException {
    PretrainingLoss.Stats total = PretrainingLoss.Stats.ZERO;
    Map<Long, Double> labels = new HashMap<>();
    try (BatchLoader loader = BatchLoader.evaluation(shards, batchSize, limit, vocabSize)) {
      for (Batch batch = loader.next(); batch != null; batch = loader.next()) {
        for (int i = 0; i < batch.maskedIds().length; i++) {
          labels.merge(batch.maskedIds()[i], (double) batch.maskedWeights()[i], Double::sum);
        }
        try (NDManager scratch = parent.newSubManager()) {
          BatchArrays arrays = BatchArrays.of(scratch, batch);
          NDList out = model.forward(store, arrays.inputs(), false);
          total = total.plus(PretrainingLoss.compute(out.get(0), out.get(1), arrays.mlmLabels(),
              arrays.mlmWeights(), arrays.nspLabels()).stats());
        }
      }
    }
    double most = labels.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return new Evaluation(total, most / Math.max(total.mlmCount(), 1e-9));
  }
}
