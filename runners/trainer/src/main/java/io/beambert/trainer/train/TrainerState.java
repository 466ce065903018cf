package io.beambert.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.beambert.trainer.data.LoaderPosition;
import io.beambert.trainer.model.BertConfig;
import java.util.Map;

/**
 * What a checkpoint records besides the tensors: the step, where the data stream stands, and the
 * run's options and model sizes ({@code trainer_state.json}).
 *
 * @param step optimizer steps completed (also AdamW's update count)
 * @param loader the training stream's position after the last batch of {@code step}
 */
public record TrainerState(
    @JsonProperty("format") String format,
    @JsonProperty("step") int step,
    @JsonProperty("loader") LoaderPosition loader,
    @JsonProperty("config") BertConfig config,
    @JsonProperty("vocab_sha256") String vocabSha256,
    @JsonProperty("options") Map<String, Object> options) {
  public static final String FORMAT = "beambert-trainer-checkpoint-1";
}
