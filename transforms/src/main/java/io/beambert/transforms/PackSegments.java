package io.beambert.transforms;

import io.beambert.instances.NextSentencePairer;
import io.beambert.instances.SegmentPacker;
import io.beambert.random.PythonRandom;
import io.beambert.schemas.SegmentChunk;
import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Packs each document's sentences into chunks for next-sentence pairs, once per pass, like the
 * reference's {@code create_instances_from_document}.
 *
 * <p>Input: {@code PCollection<TokenizedDocument>}. Output: {@code PCollection<SegmentChunk>}, for
 * every document and pass {@code 0 .. dupeFactor-1}: a target length ({@code maxSeqLength - 3}, or
 * with probability {@code shortSeqProb} a uniform {@code randint(2, maxSeqLength - 3)}, drawn once
 * per document per pass); chunks of whole sentences that reach it; in each chunk the random split
 * point of segment A; and whether B is the actual continuation (then {@code tokens_b} holds the
 * rest of the chunk) or a random next (a one-sentence chunk always is; otherwise with probability
 * 0.5). For a random next the chunk's sentences after A are put back: the next chunk starts right
 * after A, exactly as the reference re-packs the rest of the document.
 *
 * <p>Why the next-sentence decision lives here and not in {@link PairForNsp}: in the reference the
 * decision moves the start of the next chunk (the put-back), so chunk boundaries cannot be known
 * without it. PackSegments therefore fixes every chunk's A and whether B is actual or random;
 * {@link PairForNsp} fetches a random B from another document, which needs a grouping with other
 * documents. Composed with {@link PairForNsp}, {@link Truncate} and {@link Mask} this is the
 * reference's algorithm with per-element random streams (not its single sequential stream; for
 * bit-exact output use reference mode).
 *
 * <p>Deterministic: the draws of a document's pass come from a generator seeded with (seed,
 * document id, pass, packing step). Empty documents yield nothing (counter {@code
 * empty_documents}); counters {@code chunks}, {@code random_next_chunks}; distribution {@code
 * target_length}.
 *
 * <pre>{@code
 * PCollection<SegmentChunk> chunks =
 *     tokenizedDocs.apply(PackSegments.create().withMaxSeqLength(256).withDupeFactor(5));
 * }</pre>
 */
public final class PackSegments
    extends PTransform<PCollection<TokenizedDocument>, PCollection<SegmentChunk>> {

  private final int maxSeqLength;
  private final double shortSeqProb;
  private final int dupeFactor;
  private final long seed;

  private PackSegments(int maxSeqLength, double shortSeqProb, int dupeFactor, long seed) {
    this.maxSeqLength = maxSeqLength;
    this.shortSeqProb = shortSeqProb;
    this.dupeFactor = dupeFactor;
    this.seed = seed;
  }

  /** maxSeqLength 128, shortSeqProb 0.1, dupeFactor 10, seed 12345 (the reference's defaults). */
  public static PackSegments create() {
    return new PackSegments(128, 0.1, 10, 12345L);
  }

  /** Sequence length incl. [CLS] and two [SEP]; at least 5; default 128. */
  public PackSegments withMaxSeqLength(int maxSeqLength) {
    if (maxSeqLength < 5) {
      throw new IllegalArgumentException("maxSeqLength must be at least 5, got " + maxSeqLength);
    }
    return new PackSegments(maxSeqLength, shortSeqProb, dupeFactor, seed);
  }

  /** Probability of a shorter target length per document pass; in [0, 1]; default 0.1. */
  public PackSegments withShortSeqProb(double shortSeqProb) {
    if (!(shortSeqProb >= 0 && shortSeqProb <= 1)) {
      throw new IllegalArgumentException("shortSeqProb must be in [0, 1], got " + shortSeqProb);
    }
    return new PackSegments(maxSeqLength, shortSeqProb, dupeFactor, seed);
  }

  /** Number of passes over every document; at least 1; default 10. */
  public PackSegments withDupeFactor(int dupeFactor) {
    if (dupeFactor < 1) {
      throw new IllegalArgumentException("dupeFactor must be at least 1, got " + dupeFactor);
    }
    return new PackSegments(maxSeqLength, shortSeqProb, dupeFactor, seed);
  }

  /** Run seed; any value; default 12345. */
  public PackSegments withSeed(long seed) {
    return new PackSegments(maxSeqLength, shortSeqProb, dupeFactor, seed);
  }

  @Override
  public PCollection<SegmentChunk> expand(PCollection<TokenizedDocument> docs) {
    return docs.apply("PackChunks", ParDo.of(new PackFn(maxSeqLength - 3, shortSeqProb, dupeFactor, seed)))
        .setCoder(AvroCoder.of(SegmentChunk.class));
  }

  /** The chunks of one document in one pass, in document order. */
  static List<SegmentChunk> pack(
      String documentId, int[][] document, int pass, int maxNumTokens, double shortSeqProb, long seed) {
    List<SegmentChunk> out = new ArrayList<>();
    if (document.length == 0) {
      return out;
    }
    PythonRandom rng = RandomSteps.forDocument(seed, documentId, pass, RandomSteps.PACK);
    int target = SegmentPacker.drawTargetLength(rng, maxNumTokens, shortSeqProb);
    int start = 0;
    int index = 0;
    while (start < document.length) {
      int end = SegmentPacker.chunkEnd(document, start, target);
      int size = end - start;
      int split = SegmentPacker.drawSplit(rng, size);
      int[] a = SegmentPacker.concat(document, start, start + split);
      boolean randomNext = NextSentencePairer.drawRandomNext(rng, size);
      int[] b;
      if (randomNext) {
        b = new int[0];
        start += split; // put back the sentences after A
      } else {
        b = SegmentPacker.concat(document, start + split, end);
        start = end;
      }
      out.add(
          SegmentChunk.newBuilder()
              .setDocumentId(documentId)
              .setPass(pass)
              .setChunk(index++)
              .setTargetLength(target)
              .setTokensA(Ids.boxed(a))
              .setTokensB(Ids.boxed(b))
              .setRandomNext(randomNext)
              .build());
    }
    return out;
  }

  /** Packs every pass of one document. */
  static final class PackFn extends DoFn<TokenizedDocument, SegmentChunk> {
    private final int maxNumTokens;
    private final double shortSeqProb;
    private final int dupeFactor;
    private final long seed;
    private final Counter chunks = Metrics.counter(PackSegments.class, "chunks");
    private final Counter randomNext = Metrics.counter(PackSegments.class, "random_next_chunks");
    private final Counter emptyDocuments = Metrics.counter(PackSegments.class, "empty_documents");
    private final Distribution targetLength = Metrics.distribution(PackSegments.class, "target_length");

    PackFn(int maxNumTokens, double shortSeqProb, int dupeFactor, long seed) {
      this.maxNumTokens = maxNumTokens;
      this.shortSeqProb = shortSeqProb;
      this.dupeFactor = dupeFactor;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element TokenizedDocument doc, OutputReceiver<SegmentChunk> out) {
      int[][] sentences = Ids.sentences(doc);
      if (sentences.length == 0) {
        emptyDocuments.inc();
        return;
      }
      for (int pass = 0; pass < dupeFactor; pass++) {
        for (SegmentChunk c : pack(doc.getId(), sentences, pass, maxNumTokens, shortSeqProb, seed)) {
          chunks.inc();
          if (c.getRandomNext()) {
            randomNext.inc();
          }
          if (c.getChunk() == 0) {
            targetLength.update(c.getTargetLength());
          }
          out.output(c);
        }
      }
    }
  }
}
