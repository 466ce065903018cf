/**
 * The distributed mode's algorithm in plain Java (no Beam): content ids and pools ({@link
 * io.beambert.instances.distributed.ContentId}), per-pool generation on per-(seed, document, pass)
 * streams with a seeded output shuffle ({@link io.beambert.instances.distributed.PoolGenerator}), a
 * byte-exact Avro datum encoder ({@link io.beambert.instances.distributed.AvroInstanceEncoder}), and
 * the statistics and multiset digest of instance sets ({@link
 * io.beambert.instances.distributed.InstanceStats}) used to compare outputs.
 */
package io.beambert.instances.distributed;
