/**
 * BERT pretraining instances, bit-exact with Google's {@code create_pretraining_data.py}: segment
 * packing, next-sentence pairing, pair truncation and masked-LM masking as plain-Java pieces that
 * each draw from a {@link io.beambert.random.RandomSource}. No Beam imports.
 *
 * <p>Data flow: {@link io.beambert.instances.CorpusReader} (text to documents, {@code int[][]}
 * sentences of word-piece ids) → {@link io.beambert.instances.InstanceMaker} per document and pass
 * ({@link io.beambert.instances.SegmentPacker}, {@link io.beambert.instances.NextSentencePairer},
 * {@link io.beambert.instances.SeqPairTruncator} giving {@link
 * io.beambert.instances.SegmentPair}s; {@link io.beambert.instances.MaskedLm} giving {@link
 * io.beambert.instances.TrainingInstance}s) → {@link io.beambert.instances.InstanceEncoder} (Avro
 * {@code PretrainingInstance} with the reference's padding) → {@link
 * io.beambert.instances.InstanceJson} (the golden files' JSON-lines layout).
 *
 * <p>Reference mode: {@link io.beambert.instances.ReferenceGenerator} composes everything on ONE
 * sequential stream in the reference's call order and emits the instances in the reference's final
 * order; it keeps them compactly in an {@link io.beambert.instances.InstanceStore} until the final
 * shuffle.
 *
 * <p>Distributed mode: the same pieces ({@link io.beambert.instances.SegmentPacker#pack}, {@link
 * io.beambert.instances.NextSentencePairer}, {@link io.beambert.instances.SeqPairTruncator}, {@link
 * io.beambert.instances.MaskedLm}) run as separate steps over a pool of documents, each on its own
 * stream per document, pass and step ({@code io.beambert.instances.distributed.PoolSteps}).
 */
package io.beambert.instances;
