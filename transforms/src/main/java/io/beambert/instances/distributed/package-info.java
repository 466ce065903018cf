/**
 * The distributed mode's algorithm in plain Java (no Beam): content ids and pools ({@link
 * io.beambert.instances.distributed.ContentId}), a pool on its way through the steps ({@link
 * io.beambert.instances.distributed.PoolData}), the steps themselves, each on its own stream per
 * document, pass and step ({@link io.beambert.instances.distributed.PoolSteps}, {@link
 * io.beambert.instances.distributed.PoolStep}), a byte-exact Avro datum encoder ({@link
 * io.beambert.instances.distributed.AvroInstanceEncoder}), and the statistics and multiset digest
 * of instance sets ({@link io.beambert.instances.distributed.InstanceStats}) used to compare
 * outputs.
 */
package io.beambert.instances.distributed;
