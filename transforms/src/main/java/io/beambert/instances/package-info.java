/**
 * BERT pretraining instances, bit-exact with Google's {@code create_pretraining_data.py}: segment
 * packing, next-sentence pairing, pair truncation and masked-LM masking as plain-Java pieces that
 * each draw from a {@link io.beambert.random.RandomSource}, composed by {@link
 * io.beambert.instances.ReferenceGenerator} on one sequential stream in the reference's call order.
 *
 * <p>Documents are {@code int[][]}: sentences of word-piece ids. {@link
 * io.beambert.instances.TrainingInstance} is the compact result; {@link
 * io.beambert.instances.InstanceEncoder} turns it into the Avro {@code PretrainingInstance} with the
 * reference's padding, and {@link io.beambert.instances.InstanceJson} writes and reads the JSON-lines
 * layout of the golden files. No Beam imports.
 */
package io.beambert.instances;
