package io.beambert.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.values.KV;

/**
 * One pool of documents as an element: its index among {@code count} pools (and shards) and its
 * documents as {@code KV<content id, DocumentSource>}, in no particular order. Made by {@link
 * GroupIntoPools}; the per-pool steps and {@link WriteShards} work on it ({@link Pools}).
 *
 * @param index the pool's index, 0 to count - 1: its shard
 * @param count the number of pools of the run
 * @param documents the pool's documents
 */
public record Pool(int index, int count, List<KV<String, DocumentSource>> documents) {

  /** The deterministic coder of pools. */
  public static Coder<Pool> coder() {
    return PoolCoder.INSTANCE;
  }

  private static final class PoolCoder extends AtomicCoder<Pool> {
    static final PoolCoder INSTANCE = new PoolCoder();
    private static final Coder<List<KV<String, DocumentSource>>> DOCUMENTS =
        ListCoder.of(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()));

    @Override
    public void encode(Pool pool, OutputStream out) throws IOException {
      VarIntCoder.of().encode(pool.index(), out);
      VarIntCoder.of().encode(pool.count(), out);
      DOCUMENTS.encode(pool.documents(), out);
    }

    @Override
    public Pool decode(InputStream in) throws IOException {
      int index = VarIntCoder.of().decode(in);
      int count = VarIntCoder.of().decode(in);
      return new Pool(index, count, DOCUMENTS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
