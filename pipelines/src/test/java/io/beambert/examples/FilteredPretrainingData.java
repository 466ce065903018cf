package io.beambert.examples;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.distributed.ContentId;
import io.beambert.instances.distributed.PoolData;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.io.ShardOutput;
import io.beambert.schemas.RunCounts;
import io.beambert.text.Vocab;
import io.beambert.transforms.DocumentSource;
import io.beambert.transforms.GroupIntoPools;
import io.beambert.transforms.Mask;
import io.beambert.transforms.PackSegments;
import io.beambert.transforms.PairForNsp;
import io.beambert.transforms.PoolTransform;
import io.beambert.transforms.Tokenize;
import io.beambert.transforms.Truncate;
import io.beambert.transforms.WriteShards;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * A pretraining-data pipeline of one's own, composed from beambert's transforms with only their
 * public API, as README's "Transforms API" shows it: its own reader (one document per line,
 * sentences separated by tabs), and a filter between {@link Truncate} and {@link Mask} that drops
 * pairs with an unknown word piece. The shards it writes are ordinary beambert shards.
 */
public final class FilteredPretrainingData {
  private FilteredPretrainingData() {}

  /** Builds the pipeline: documents from {@code input}, shards into {@code output}. */
  public static PCollection<RunCounts> build(
      Pipeline pipeline, String input, Vocab vocab, InstanceOptions options, String output) {
    // Our own reader: one document per line, its sentences separated by tabs.
    PCollection<KV<String, DocumentSource>> documents =
        pipeline
            .apply("ReadLines", TextIO.read().from(input))
            .apply("ToDocuments", MapElements.via(new ToDocument()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()));
    int unk = vocab.idOf(Vocab.UNK);
    PoolStep dropUnknown =
        PoolStep.of(
            "drop-pairs-with-unk",
            PoolData.Stage.PAIRED,
            PoolData.Stage.PAIRED,
            pool -> pool.chunks().removeIf(pair -> contains(pair, unk)));
    return documents
        .apply(GroupIntoPools.with(options))
        .apply(Tokenize.with(vocab, options))
        .apply(PackSegments.with(options))
        .apply(PairForNsp.with(options))
        .apply(Truncate.with(options))
        .apply("DropPairsWithUnk", PoolTransform.of(dropUnknown))
        .apply(Mask.with(vocab, options))
        .apply(WriteShards.to(ShardOutput.to(output)));
  }

  /** Whether segment A or B of a pair holds {@code id}. */
  static boolean contains(PoolData.Chunk pair, int id) {
    for (int k = 0; k < pair.lengthA(); k++) {
      if (pair.tokenA(k) == id) {
        return true;
      }
    }
    for (int k = 0; k < pair.lengthB(); k++) {
      if (pair.tokenB(k) == id) {
        return true;
      }
    }
    return false;
  }

  /** A line to a document: its content id and its text (sentences joined with newlines). */
  static final class ToDocument extends SimpleFunction<String, KV<String, DocumentSource>> {
    @Override
    public KV<String, DocumentSource> apply(String line) {
      List<String> sentences = Arrays.stream(line.split("\t")).map(String::strip)
          .filter(s -> !s.isEmpty()).toList();
      return KV.of(ContentId.of(sentences), DocumentSource.text(String.join("\n", sentences)));
    }
  }
}
