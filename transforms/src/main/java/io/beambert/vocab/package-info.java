/**
 * The WordPiece vocabulary learner and what goes with it, in plain Java (no Beam).
 *
 * <p>{@link io.beambert.vocab.WordPieceLearner} turns aggregated word counts into an ordered
 * vocabulary ({@link io.beambert.vocab.LearnedVocab}); {@link io.beambert.vocab.TokenizerJson} writes
 * the matching Hugging Face {@code tokenizer.json}; {@link io.beambert.vocab.HeldOut} picks the
 * held-out lines and {@link io.beambert.vocab.VocabReport} measures fertility and the {@code [UNK]}
 * rate on them. The Beam side is {@link io.beambert.transforms.LearnVocab} and the {@code beambert
 * vocab} command ({@code io.beambert.pipelines.LearnVocabPipeline}).
 */
package io.beambert.vocab;
