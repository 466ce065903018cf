/**
 * Beam transforms of the distributed mode: {@link io.beambert.transforms.distributed.ReadDocuments}
 * (files to content-keyed documents) and {@link
 * io.beambert.transforms.distributed.GenerateDistributed} (documents to shards, dead letters and
 * {@code _metadata.json}), plus in-JVM progress totals ({@link
 * io.beambert.transforms.distributed.ProgressCounters}).
 */
package io.beambert.transforms.distributed;
