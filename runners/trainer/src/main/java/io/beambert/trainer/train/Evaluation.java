package io.beambert.trainer.train;

import io.beambert.trainer.model.PretrainingLoss;

/**
 * Held-out metrics of a model.
 *
 * @param stats loss statistics summed over the held-out instances
 * @param majorityBaseline the masked-LM accuracy of always predicting the held-out set's most
 *     frequent masked token: the floor a model that learned anything must beat
 */
public record Evaluation(PretrainingLoss.Stats stats, double majorityBaseline) {}
