package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.ContentId;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Groups documents into pools, the run's one shuffle: a random-next segment B comes from another
 * document of the same pool, and each pool becomes one shard.
 *
 * <p>Input: {@code KV<content id, DocumentSource>} ({@link ReadDocuments}); only the sources go
 * through the shuffle, a few dozen bytes per document. Output: {@link Pools}, no step applied. The
 * number of pools is {@link #withNumPools} when set, else {@code ceil(documents / nspPoolSize)}
 * (at most 99,999); a document's pool is {@link ContentId#pool} of its id, so pools depend only on
 * the documents' contents. Distribution {@code pool_documents} (namespace {@value
 * PretrainingData#METRICS}).
 *
 * <pre>{@code
 * Pools pools = documents.apply(GroupIntoPools.with(options));
 * }</pre>
 */
public final class GroupIntoPools
    extends PTransform<PCollection<KV<String, DocumentSource>>, Pools> {
  private final int poolSize;
  private final int numPools;

  private GroupIntoPools(int poolSize, int numPools) {
    this.poolSize = poolSize;
    this.numPools = numPools;
  }

  /** Pools of about the options' {@code nspPoolSize} documents. */
  public static GroupIntoPools with(InstanceOptions options) {
    return new GroupIntoPools(options.nspPoolSize(), 0);
  }

  /**
   * Exactly {@code numPools} pools (and shards), about documents / numPools each, instead of
   * pools of {@code nspPoolSize}; 0 (the default) derives the number.
   */
  public GroupIntoPools withNumPools(int numPools) {
    if (numPools < 0) {
      throw new IllegalArgumentException("numPools must be >= 0 (0: derived), got " + numPools);
    }
    return new GroupIntoPools(poolSize, numPools);
  }

  /** {@code numPools} when set, else {@code ceil(documents / poolSize)}, at least 1. */
  static int numberOfPools(long documents, int numPools, int poolSize) {
    if (numPools > 0) {
      return numPools;
    }
    return (int) Math.max(1, Math.min(99_999, (documents + poolSize - 1) / poolSize));
  }

  @Override
  public Pools expand(PCollection<KV<String, DocumentSource>> documents) {
    int fixed = numPools;
    int size = poolSize;
    KeyByPoolFn keyByPool;
    if (fixed > 0) {
      keyByPool = new KeyByPoolFn(fixed);
    } else {
      PCollectionView<Integer> pools =
          documents
              .apply("CountDocuments", Count.globally())
              .apply(
                  "NumberOfPools",
                  MapElements.into(TypeDescriptors.integers())
                      .via(n -> numberOfPools(n, fixed, size)))
              .apply("PoolsView", View.asSingleton());
      keyByPool = new KeyByPoolFn(pools);
    }
    PCollection<Pool> pools =
        documents
            .apply(
                "KeyByPool",
                keyByPool.pools == null
                    ? ParDo.of(keyByPool)
                    : ParDo.of(keyByPool).withSideInputs(keyByPool.pools))
            .setCoder(
                KvCoder.of(
                    KvCoder.of(VarIntCoder.of(), VarIntCoder.of()),
                    KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder())))
            .apply("GroupPools", GroupByKey.create())
            .apply("ToPools", ParDo.of(new ToPoolFn()))
            .setCoder(Pool.coder());
    return Pools.of(pools);
  }

  /** Keys each document by (pool, number of pools). */
  static final class KeyByPoolFn
      extends DoFn<KV<String, DocumentSource>, KV<KV<Integer, Integer>, KV<String, DocumentSource>>> {
    final PCollectionView<Integer> pools;
    private final int fixed;

    /** Reads the number of pools from a side input. */
    KeyByPoolFn(PCollectionView<Integer> pools) {
      this.pools = pools;
      this.fixed = 0;
    }

    /** A fixed number of pools: no side input, so keying need not wait for the whole input. */
    KeyByPoolFn(int fixed) {
      this.pools = null;
      this.fixed = fixed;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int n = pools == null ? fixed : c.sideInput(pools);
      c.output(KV.of(KV.of(ContentId.pool(c.element().getKey(), n), n), c.element()));
    }
  }

  /** Makes a pool element of a group. */
  static final class ToPoolFn
      extends DoFn<KV<KV<Integer, Integer>, Iterable<KV<String, DocumentSource>>>, Pool> {
    private final Distribution poolDocuments =
        Metrics.distribution(PretrainingData.METRICS, "pool_documents");

    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Integer>, Iterable<KV<String, DocumentSource>>> group,
        OutputReceiver<Pool> out) {
      List<KV<String, DocumentSource>> documents = new ArrayList<>();
      group.getValue().forEach(documents::add);
      poolDocuments.update(documents.size());
      out.output(new Pool(group.getKey().getKey(), group.getKey().getValue(), documents));
    }
  }
}
