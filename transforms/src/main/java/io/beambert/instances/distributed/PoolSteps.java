package io.beambert.instances.distributed;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.NextSentencePairer;
import io.beambert.instances.SegmentPacker;
import io.beambert.instances.SeqPairTruncator;
import io.beambert.instances.TrainingInstance;
import io.beambert.random.KeyedRandom;
import io.beambert.text.SerializableTokenizer;
import io.beambert.text.Vocab;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distributed mode's steps over a pool, each built from the same blocks as reference mode
 * ({@link SegmentPacker#pack}, {@link NextSentencePairer#drawPartnerIndex} and {@link
 * NextSentencePairer#randomNextSentences}, {@link SeqPairTruncator},
 * {@link MaskedLm}) but drawing on its own stream per document, pass and step instead of one
 * stream for the corpus:
 *
 * <ol>
 *   <li>{@link #tokenize}: each document's sentences to ids; empty documents are counted and left
 *       out, a sentence over {@code maxSentenceBytes} or a tokenizer failure dead-letters the
 *       document;
 *   <li>{@link #pack}: per document and pass, the target length, the chunks, the split of A and
 *       the random-next decision, with the reference's put-back;
 *   <li>{@link #pair}: B of each random next from another document of the pool (the reference's
 *       draw with ten retries, over the pool instead of the corpus);
 *   <li>{@link #truncate}: the reference's {@code truncate_seq_pair};
 *   <li>{@link #mask}: masked-LM masking (a lazy shuffle of the candidates: the same distribution as
 *       the reference's, fewer draws), each instance encoded as an Avro datum at once, then the
 *       pool's instances put in a seeded shuffled order, so a document's instances are spread over
 *       its shard.
 * </ol>
 *
 * <p>Streams: {@code KeyedRandom.forKey(randomSeed, documentId, pass, step)} with step {@value
 * #STREAM_PACK} (pack), {@value #STREAM_PAIR} (pair), {@value #STREAM_TRUNCATE} (truncate), {@value
 * #STREAM_MASK} (mask); the output order uses {@code forKey(randomSeed, "pool " + key, 0,
 * }{@value #STREAM_SHUFFLE}{@code )}. No draw depends on the order documents arrive in, on
 * bundling, workers or retries.
 */
public final class PoolSteps {
  /** Stream step of packing. */
  public static final int STREAM_PACK = 0;

  /** Stream step of the pool's output order. */
  public static final int STREAM_SHUFFLE = 1;

  /** Stream step of pairing. */
  public static final int STREAM_PAIR = 2;

  /** Stream step of truncation. */
  public static final int STREAM_TRUNCATE = 3;

  /** Stream step of masking. */
  public static final int STREAM_MASK = 4;

  private PoolSteps() {}

  /** Tokenizes with {@code vocab} and the options' casing; limits sentences to {@code maxSentenceBytes}. */
  public static PoolStep tokenize(Vocab vocab, InstanceOptions options) {
    return new Tokenize(new SerializableTokenizer(vocab, options.doLowerCase()), options.maxSentenceBytes());
  }

  /** Packs every document's passes. */
  public static PoolStep pack(InstanceOptions options) {
    return new Pack(options);
  }

  /** Draws segment B of every random next from the pool. */
  public static PoolStep pair(InstanceOptions options) {
    return new Pair(options);
  }

  /** Truncates every pair to the options' budget. */
  public static PoolStep truncate(InstanceOptions options) {
    return new Truncate(options);
  }

  /** Masks and encodes every pair, then orders the pool's instances. */
  public static PoolStep mask(InstanceOptions options, InstanceVocab vocab) {
    return new Mask(options, vocab);
  }

  private static final class Tokenize extends NamedStep {
    private static final long serialVersionUID = 1L;
    private final SerializableTokenizer tokenizer;
    private final int maxSentenceBytes;

    Tokenize(SerializableTokenizer tokenizer, int maxSentenceBytes) {
      super("tokenize", PoolData.Stage.DOCUMENTS, PoolData.Stage.TOKENIZED);
      this.tokenizer = tokenizer;
      this.maxSentenceBytes = maxSentenceBytes;
    }

    @Override
    public void apply(PoolData pool) {
      List<String> ids = new ArrayList<>(pool.ids.size());
      List<String> texts = new ArrayList<>(pool.ids.size());
      List<int[][]> documents = new ArrayList<>(pool.ids.size());
      for (int d = 0; d < pool.ids.size(); d++) {
        String id = pool.ids.get(d);
        String text = pool.texts.get(d);
        List<String> lines = Arrays.asList(text.split("\n", -1));
        String tooLong = tooLong(lines);
        if (tooLong != null) {
          pool.deadLetter(id, "read", tooLong, text);
          continue;
        }
        int[][] tokens;
        try {
          tokens = tokenizer.get().tokenizeSentences(lines);
        } catch (RuntimeException e) {
          pool.deadLetter(id, name(), e.getClass().getSimpleName() + ": " + e.getMessage(), text);
          continue;
        }
        if (tokens.length == 0) {
          pool.documentsEmpty++;
          continue;
        }
        ids.add(id);
        texts.add(text);
        documents.add(tokens);
      }
      pool.ids.clear();
      pool.ids.addAll(ids);
      pool.texts.clear();
      pool.texts.addAll(texts);
      pool.documents = documents;
    }

    private String tooLong(List<String> lines) {
      for (String s : lines) {
        // A char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4 bytes).
        if ((long) s.length() * 3 > maxSentenceBytes) {
          long bytes = s.getBytes(StandardCharsets.UTF_8).length;
          if (bytes > maxSentenceBytes) {
            return "sentence of " + bytes + " bytes exceeds maxSentenceBytes=" + maxSentenceBytes;
          }
        }
      }
      return null;
    }
  }

  private static final class Pack extends NamedStep {
    private static final long serialVersionUID = 1L;
    private final InstanceOptions options;

    Pack(InstanceOptions options) {
      super("pack", PoolData.Stage.TOKENIZED, PoolData.Stage.CHUNKED);
      this.options = options;
    }

    @Override
    public void apply(PoolData pool) {
      List<PoolData.Chunk> chunks = new ArrayList<>();
      for (int d = 0; d < pool.documents.size(); d++) {
        int document = d;
        int[][] tokens = pool.documents.get(d);
        int mark = chunks.size();
        try {
          for (int pass = 0; pass < options.dupeFactor(); pass++) {
            int p = pass;
            SegmentPacker.pack(
                tokens,
                options.maxNumTokens(),
                options.shortSeqProb(),
                KeyedRandom.forKey(options.randomSeed(), pool.ids.get(d), pass, STREAM_PACK),
                (start, split, end, randomNext, target) ->
                    chunks.add(
                        new PoolData.Chunk(
                            document, p, target, randomNext, tokens, start, split, end)));
          }
        } catch (RuntimeException e) {
          chunks.subList(mark, chunks.size()).clear();
          pool.fail(d, name(), e);
        }
      }
      pool.chunks = chunks;
    }
  }

  private static final class Pair extends NamedStep {
    private static final long serialVersionUID = 1L;
    private final long seed;

    Pair(InstanceOptions options) {
      super("pair", PoolData.Stage.CHUNKED, PoolData.Stage.PAIRED);
      this.seed = options.randomSeed();
    }

    @Override
    public void apply(PoolData pool) {
      pool.forEachRun(
          name(),
          seed,
          STREAM_PAIR,
          (run, rng) -> {
            int d = run.get(0).document();
            for (PoolData.Chunk c : run) {
              if (c.isRandomNext()) {
                // The reference's draws: the partner (C3), then its sentences (C4).
                int[][] partner =
                    pool.documents.get(
                        NextSentencePairer.drawPartnerIndex(rng, pool.documents.size(), d));
                long sentences =
                    NextSentencePairer.randomNextSentences(
                        partner, c.targetLength() - c.lengthA(), rng);
                c.setB(partner, (int) (sentences >>> 32), (int) sentences);
              }
            }
          });
    }
  }

  private static final class Truncate extends NamedStep {
    private static final long serialVersionUID = 1L;
    private final InstanceOptions options;

    Truncate(InstanceOptions options) {
      super("truncate", PoolData.Stage.PAIRED, PoolData.Stage.PAIRED);
      this.options = options;
    }

    @Override
    public void apply(PoolData pool) {
      pool.forEachRun(
          name(),
          options.randomSeed(),
          STREAM_TRUNCATE,
          (run, rng) -> {
            for (PoolData.Chunk c : run) {
              SeqPairTruncator.Cut cut =
                  SeqPairTruncator.truncate(c.lengthA(), c.lengthB(), options.maxNumTokens(), rng);
              c.cut(cut);
            }
          });
    }
  }

  private static final class Mask extends NamedStep {
    private static final long serialVersionUID = 1L;
    private final InstanceOptions options;
    private final InstanceVocab vocab;
    private transient MaskedLm masker;
    private transient AvroInstanceEncoder encoder;

    Mask(InstanceOptions options, InstanceVocab vocab) {
      super("mask", PoolData.Stage.PAIRED, PoolData.Stage.MASKED);
      this.options = options;
      this.vocab = vocab;
    }

    @Override
    public void apply(PoolData pool) {
      if (masker == null) {
        masker = new MaskedLm(options, vocab, true);
        encoder = new AvroInstanceEncoder(options.maxSeqLength(), options.maxPredictionsPerSeq());
      }
      EncodedStore store = new EncodedStore();
      // The current document's first instance and totals (tokens, masked positions, random
      // nexts): a failing run takes back everything of its document.
      int[] current = {-1};
      int[] mark = {0};
      long[] totals = new long[3];
      pool.forEachRun(
          name(),
          options.randomSeed(),
          STREAM_MASK,
          (run, rng) -> {
            int d = run.get(0).document();
            if (d != current[0]) {
              current[0] = d;
              mark[0] = store.size();
              addTotals(pool, totals);
            }
            try {
              for (PoolData.Chunk c : run) {
                TrainingInstance instance =
                    masker.maskSequence(
                        c.sequence(vocab.clsId(), vocab.sepId()), c.lengthA(), c.isRandomNext(), rng);
                int length = encoder.encode(instance);
                store.add(encoder.buffer(), length, encoder.padding(), encoder.paddingRuns());
                totals[0] += instance.length();
                totals[1] += instance.maskedCount();
                totals[2] += instance.isRandomNext() ? 1 : 0;
              }
            } catch (RuntimeException e) {
              store.truncate(mark[0]);
              Arrays.fill(totals, 0);
              throw e;
            }
          });
      addTotals(pool, totals);
      pool.chunks = null;
      pool.instances = store;
      int[] order = new int[store.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      KeyedRandom.forKey(options.randomSeed(), "pool " + pool.key(), 0, STREAM_SHUFFLE)
          .shuffle(order);
      pool.order = order;
    }

    /** Adds a finished document's totals to the pool's and clears them. */
    private static void addTotals(PoolData pool, long[] totals) {
      pool.instanceTokens += totals[0];
      pool.maskedPositions += totals[1];
      pool.randomNext += totals[2];
      Arrays.fill(totals, 0);
    }
  }
}
