package io.beambert.transforms;

import io.beambert.random.Hashes;
import io.beambert.instances.NextSentencePairer;
import io.beambert.random.PythonRandom;
import io.beambert.schemas.NspPair;
import io.beambert.schemas.SegmentChunk;
import io.beambert.schemas.TokenizedDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Completes packed chunks into next-sentence pairs: segment B is the actual continuation, or for a
 * chunk that {@link PackSegments} marked random-next, a run of sentences from a different document.
 *
 * <p>Input: {@code PCollection<SegmentChunk>}; the documents to draw partners from are given with
 * {@link #withPartnersFrom}. Output: {@code PCollection<NspPair>}, one per chunk. The unused
 * sentences of a random-next chunk were already put back by {@link PackSegments} (the next chunk
 * starts after A), as the reference does.
 *
 * <p>A random B is built like the reference builds it: a start sentence drawn uniformly in the
 * partner, then whole sentences until B reaches {@code target_length - |A|} tokens (at least one
 * sentence). The partner comes from a deterministic keyed grouping, never from bundle order:
 * documents are hashed into {@code max(1, documents / 256)} buckets by id; each random-next chunk
 * draws a bucket, and then a document of it (sorted by id) up to 10 times until it is not its own
 * document, as the reference retries. Each worker holds one bucket's documents at a time (about
 * 256 to 512 documents) and the random-next chunks that drew it; the grouped values are traversed
 * once, as Flink requires of large groups. A bucket without documents cannot occur in practice (buckets hold 256 on
 * average); should one, the chunk's own A serves as partner (counter {@code empty_partner_buckets}).
 *
 * <p>Deterministic: the draws of a chunk come from generators seeded with (seed, document id and
 * chunk, pass, step), one step for the bucket and one for partner and start sentence. Counters {@code actual_next}, {@code random_next}, {@code
 * own_document_partners} (ten misses, as in the reference).
 *
 * <pre>{@code
 * PCollection<NspPair> pairs =
 *     tokenizedDocs.apply(PackSegments.create())
 *         .apply(PairForNsp.withPartnersFrom(tokenizedDocs).withSeed(7));
 * }</pre>
 */
public final class PairForNsp extends PTransform<PCollection<SegmentChunk>, PCollection<NspPair>> {

  /** Union tags of the grouped items. */
  static final int CHUNK = 0;

  static final int DOCUMENT = 1;

  /** Average number of documents per partner bucket. */
  static final int DOCUMENTS_PER_BUCKET = 256;

  private final PCollection<TokenizedDocument> partners;
  private final long seed;

  private PairForNsp(PCollection<TokenizedDocument> partners, long seed) {
    this.partners = partners;
    this.seed = seed;
  }

  /** Draws random-next segments from {@code documents}; seed 12345. */
  public static PairForNsp withPartnersFrom(PCollection<TokenizedDocument> documents) {
    if (documents == null) {
      throw new IllegalArgumentException("documents must not be null");
    }
    return new PairForNsp(documents, 12345L);
  }

  /** Run seed; any value; default 12345. Use the same seed as {@link PackSegments}. */
  public PairForNsp withSeed(long seed) {
    return new PairForNsp(partners, seed);
  }

  @Override
  public PCollection<NspPair> expand(PCollection<SegmentChunk> chunks) {
    PCollectionView<Long> documentCount =
        partners.apply("CountDocuments", Count.globally()).apply("DocumentCountView", View.asSingleton());
    PCollection<NspPair> actual =
        chunks.apply("ActualNext", ParDo.of(new ActualNextFn())).setCoder(AvroCoder.of(NspPair.class));
    // One GroupByKey over chunks and documents tagged by union index, not a CoGroupByKey: its
    // CoGbkResult is read once per tag, and Flink's grouped iterables of large groups can be
    // iterated only once.
    KvCoder<Integer, RawUnionValue> itemCoder =
        KvCoder.of(
            VarIntCoder.of(),
            UnionCoder.of(
                List.<Coder<?>>of(
                    AvroCoder.of(SegmentChunk.class), AvroCoder.of(TokenizedDocument.class))));
    PCollection<KV<Integer, RawUnionValue>> keyedChunks =
        chunks
            .apply(
                "DrawPartnerBucket",
                ParDo.of(new DrawBucketFn(seed, documentCount)).withSideInputs(documentCount))
            .setCoder(itemCoder);
    PCollection<KV<Integer, RawUnionValue>> keyedDocs =
        partners
            .apply(
                "BucketDocuments",
                ParDo.of(new BucketDocumentFn(documentCount)).withSideInputs(documentCount))
            .setCoder(itemCoder);
    PCollection<NspPair> random =
        PCollectionList.of(keyedChunks)
            .and(keyedDocs)
            .apply("ChunksAndDocuments", Flatten.pCollections())
            .setCoder(itemCoder)
            .apply("GroupPartners", GroupByKey.create())
            .apply("RandomNext", ParDo.of(new RandomNextFn(seed)))
            .setCoder(AvroCoder.of(NspPair.class));
    return PCollectionList.of(actual)
        .and(random)
        .apply("AllPairs", Flatten.pCollections())
        .setCoder(AvroCoder.of(NspPair.class));
  }

  static int numBuckets(long documents) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, documents / DOCUMENTS_PER_BUCKET));
  }

  /** Bucket of a document: FNV-1a 64 of its id's UTF-8, modulo the bucket count. */
  static int bucketOf(String documentId, int numBuckets) {
    return (int) Long.remainderUnsigned(Hashes.fnv1a64(documentId), numBuckets);
  }

  /** Draws the partner bucket of a random-next chunk. */
  static int drawBucket(PythonRandom rng, int numBuckets) {
    return (int) rng.randbelow(numBuckets);
  }

  static NspPair pair(SegmentChunk c, int[] tokensB) {
    return NspPair.newBuilder()
        .setDocumentId(c.getDocumentId())
        .setPass(c.getPass())
        .setChunk(c.getChunk())
        .setTokensA(c.getTokensA())
        .setTokensB(Ids.boxed(tokensB))
        .setRandomNext(c.getRandomNext())
        .build();
  }

  /** Chunks whose B is the actual continuation become pairs as they are. */
  static final class ActualNextFn extends DoFn<SegmentChunk, NspPair> {
    private final Counter actualNext = Metrics.counter(PairForNsp.class, "actual_next");

    @ProcessElement
    public void process(@Element SegmentChunk c, OutputReceiver<NspPair> out) {
      if (!c.getRandomNext()) {
        actualNext.inc();
        out.output(pair(c, Ids.unboxed(c.getTokensB())));
      }
    }
  }

  /** Random-next chunks draw the bucket their partner comes from. */
  static final class DrawBucketFn extends DoFn<SegmentChunk, KV<Integer, RawUnionValue>> {
    private final long seed;
    private final PCollectionView<Long> documentCount;

    DrawBucketFn(long seed, PCollectionView<Long> documentCount) {
      this.seed = seed;
      this.documentCount = documentCount;
    }

    @ProcessElement
    public void process(ProcessContext ctx) {
      SegmentChunk c = ctx.element();
      if (!c.getRandomNext()) {
        return;
      }
      int buckets = numBuckets(ctx.sideInput(documentCount));
      PythonRandom rng =
          RandomSteps.forChunk(
              seed, c.getDocumentId(), c.getPass(), c.getChunk(), RandomSteps.PARTNER_BUCKET);
      ctx.output(KV.of(drawBucket(rng, buckets), new RawUnionValue(CHUNK, c)));
    }
  }

  /** Documents go to the bucket of their id. */
  static final class BucketDocumentFn
      extends DoFn<TokenizedDocument, KV<Integer, RawUnionValue>> {
    private final PCollectionView<Long> documentCount;

    BucketDocumentFn(PCollectionView<Long> documentCount) {
      this.documentCount = documentCount;
    }

    @ProcessElement
    public void process(ProcessContext ctx) {
      TokenizedDocument d = ctx.element();
      if (Ids.sentences(d).length == 0) {
        return;
      }
      int buckets = numBuckets(ctx.sideInput(documentCount));
      ctx.output(KV.of(bucketOf(d.getId(), buckets), new RawUnionValue(DOCUMENT, d)));
    }
  }

  /** Draws partner and start sentence for every random-next chunk of one bucket. */
  static final class RandomNextFn extends DoFn<KV<Integer, Iterable<RawUnionValue>>, NspPair> {
    private final long seed;
    private final Counter randomNext = Metrics.counter(PairForNsp.class, "random_next");
    private final Counter ownPartner = Metrics.counter(PairForNsp.class, "own_document_partners");
    private final Counter emptyBuckets = Metrics.counter(PairForNsp.class, "empty_partner_buckets");

    RandomNextFn(long seed) {
      this.seed = seed;
    }

    @ProcessElement
    public void process(ProcessContext ctx) {
      List<String> ids = new ArrayList<>();
      List<int[][]> docs = new ArrayList<>();
      List<TokenizedDocument> sorted = new ArrayList<>();
      List<SegmentChunk> chunks = new ArrayList<>();
      for (RawUnionValue item : ctx.element().getValue()) {
        if (item.getUnionTag() == CHUNK) {
          chunks.add((SegmentChunk) item.getValue());
        } else {
          sorted.add((TokenizedDocument) item.getValue());
        }
      }
      sorted.sort(Comparator.comparing(TokenizedDocument::getId));
      for (TokenizedDocument d : sorted) {
        ids.add(d.getId());
        docs.add(Ids.sentences(d));
      }
      sorted = null;
      for (SegmentChunk c : chunks) {
        PythonRandom rng =
            RandomSteps.forChunk(seed, c.getDocumentId(), c.getPass(), c.getChunk(), RandomSteps.PAIR);
        int[] a = Ids.unboxed(c.getTokensA());
        int[][] partner;
        if (docs.isEmpty()) {
          emptyBuckets.inc();
          partner = new int[][] {a};
        } else {
          int index = -1;
          for (int attempt = 0; attempt < NextSentencePairer.PARTNER_ATTEMPTS; attempt++) {
            index = (int) rng.randbelow(docs.size());
            if (!ids.get(index).equals(c.getDocumentId())) {
              break;
            }
          }
          if (ids.get(index).equals(c.getDocumentId())) {
            ownPartner.inc();
          }
          partner = docs.get(index);
        }
        int[] b = NextSentencePairer.randomNextSegment(partner, c.getTargetLength() - a.length, rng);
        randomNext.inc();
        ctx.output(pair(c, b));
      }
    }
  }
}
