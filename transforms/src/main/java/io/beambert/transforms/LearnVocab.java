package io.beambert.transforms;

import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.vocab.LearnedVocab;
import io.beambert.vocab.WordPieceLearner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Learns a WordPiece vocabulary from text lines.
 *
 * <p>Input: {@code PCollection<String>} of text lines. Output: a {@code PCollection<LearnedVocab>}
 * with exactly one element (also for empty input: then only the special tokens), whose {@link
 * LearnedVocab#tokens()} is the content of {@code vocab.txt}.
 *
 * <p>Steps: each line is basic-tokenized as BERT does ({@link BertTokenizer#basicTokens}); words are
 * counted by a per-key combine over {@value #SHARDS} shards of the words (lifted, so each worker
 * pre-aggregates its bundles into word-count maps); the shard maps are gathered by one global combine
 * whose output runs {@link WordPieceLearner} on the aggregated counts. Keying by shard rather than
 * by word keeps the number of keys small, which matters on the DirectRunner, where every key costs
 * state and timers. See {@link WordPieceLearner} for the algorithm.
 *
 * <p>Deterministic: the same lines and options give the same vocabulary whatever the input order,
 * bundling, parallelism or runner (the learner sorts its input and breaks every tie).
 *
 * <p>Metrics: {@code words_counted}; {@code words_too_long_skipped} counts words longer than 200 code
 * points, which WordPiece turns into {@code [UNK]} anyway and which are not counted (this also keeps
 * a huge unbroken line from becoming one huge key).
 *
 * <pre>{@code
 * PCollection<LearnedVocab> vocab =
 *     lines.apply(LearnVocab.create().withVocabSize(30522).withDoLowerCase(true));
 * }</pre>
 */
public final class LearnVocab extends PTransform<PCollection<String>, PCollection<LearnedVocab>> {

  private final int vocabSize;
  private final long minFrequency;
  private final int limitAlphabet;
  private final boolean doLowerCase;

  private LearnVocab(int vocabSize, long minFrequency, int limitAlphabet, boolean doLowerCase) {
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
    this.limitAlphabet = limitAlphabet;
    this.doLowerCase = doLowerCase;
  }

  /** Defaults: 30522 tokens, minimum pair frequency 2, 1000 characters, lower-cased. */
  public static LearnVocab create() {
    return new LearnVocab(
        WordPieceLearner.DEFAULT_VOCAB_SIZE,
        WordPieceLearner.DEFAULT_MIN_FREQUENCY,
        WordPieceLearner.DEFAULT_LIMIT_ALPHABET,
        true);
  }

  /** Vocabulary size including the 5 special tokens; default 30522; greater than 5. */
  public LearnVocab withVocabSize(int vocabSize) {
    WordPieceLearner.create().withVocabSize(vocabSize); // validates, naming the value
    return new LearnVocab(vocabSize, minFrequency, limitAlphabet, doLowerCase);
  }

  /** Minimum count of a pair to be merged; default 2; at least 1. */
  public LearnVocab withMinFrequency(long minFrequency) {
    WordPieceLearner.create().withMinFrequency(minFrequency);
    return new LearnVocab(vocabSize, minFrequency, limitAlphabet, doLowerCase);
  }

  /** Maximum number of distinct characters kept; default 1000; at least 1. */
  public LearnVocab withLimitAlphabet(int limitAlphabet) {
    WordPieceLearner.create().withLimitAlphabet(limitAlphabet);
    return new LearnVocab(vocabSize, minFrequency, limitAlphabet, doLowerCase);
  }

  /** Lower-case and strip accents before counting (BERT's do_lower_case); default true. */
  public LearnVocab withDoLowerCase(boolean doLowerCase) {
    return new LearnVocab(vocabSize, minFrequency, limitAlphabet, doLowerCase);
  }

  @Override
  public PCollection<LearnedVocab> expand(PCollection<String> lines) {
    return lines
        .apply("CountWords", countWords(doLowerCase))
        .apply("Learn", Combine.globally(new LearnFn(vocabSize, minFrequency, limitAlphabet)));
  }

  /**
   * Basic-tokenizes lines and counts the words. Output: word-count maps that together hold every
   * word exactly once (one map per shard of the words; a word's shard is its {@code hashCode} modulo
   * {@value #SHARDS}), so the counting is spread over workers and pre-aggregated in each bundle.
   */
  public static PTransform<PCollection<String>, PCollection<Map<String, Long>>> countWords(
      boolean doLowerCase) {
    return new PTransform<>() {
      @Override
      public PCollection<Map<String, Long>> expand(PCollection<String> lines) {
        return lines
            .apply("BasicTokens", ParDo.of(new BasicTokensFn(doLowerCase)))
            .apply("Count", Combine.perKey(new CountFn()))
            .apply("Maps", Values.create());
      }
    };
  }

  /** Number of shards the word counts are spread over. */
  static final int SHARDS = 32;

  /** Emits the basic tokens of each line, keyed by shard. */
  static final class BasicTokensFn extends DoFn<String, KV<Integer, String>> {
    private final boolean doLowerCase;
    private final Counter words = Metrics.counter(LearnVocab.class, "words_counted");
    private final Counter tooLong = Metrics.counter(LearnVocab.class, "words_too_long_skipped");
    private transient BertTokenizer tokenizer;

    BasicTokensFn(boolean doLowerCase) {
      this.doLowerCase = doLowerCase;
    }

    @Setup
    public void setup() {
      tokenizer = new BertTokenizer(Vocab.of(List.of(Vocab.UNK)), doLowerCase);
    }

    @ProcessElement
    public void process(@Element String line, OutputReceiver<KV<Integer, String>> out) {
      tokenizer.basicTokens(
          line,
          word -> {
            if (word.length() > WordPieceLearner.MAX_WORD_CHARS
                && (word.length() > 2 * WordPieceLearner.MAX_WORD_CHARS
                    || word.codePointCount(0, word.length()) > WordPieceLearner.MAX_WORD_CHARS)) {
              tooLong.inc();
            } else {
              words.inc();
              out.output(KV.of(Math.floorMod(word.hashCode(), SHARDS), word));
            }
          });
    }
  }

  /** Counts words into a map. */
  static final class CountFn extends Combine.CombineFn<String, Map<String, Long>, Map<String, Long>> {
    @Override
    public Map<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Long> addInput(Map<String, Long> acc, String word) {
      acc.merge(word, 1L, Long::sum);
      return acc;
    }

    @Override
    public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accumulators) {
      return mergeCounts(accumulators);
    }

    @Override
    public Map<String, Long> extractOutput(Map<String, Long> acc) {
      return acc;
    }

    @Override
    public Coder<Map<String, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return COUNTS;
    }

    @Override
    public Coder<Map<String, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return COUNTS;
    }
  }

  /** Coder of word-count maps. */
  public static final Coder<Map<String, Long>> COUNTS =
      MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());

  /** Adds the counts of {@code input} (left unchanged) to {@code acc}; returns {@code acc}. */
  public static Map<String, Long> addCounts(Map<String, Long> acc, Map<String, Long> input) {
    for (Map.Entry<String, Long> e : input.entrySet()) {
      acc.merge(e.getKey(), e.getValue(), Long::sum);
    }
    return acc;
  }

  /** Adds up accumulated word-count maps (which it may modify), reusing the largest as the result. */
  public static Map<String, Long> mergeCounts(Iterable<Map<String, Long>> maps) {
    Map<String, Long> merged = new HashMap<>();
    for (Map<String, Long> map : maps) {
      Map<String, Long> small = map;
      if (map.size() > merged.size()) {
        small = merged;
        merged = map;
      }
      for (Map.Entry<String, Long> e : small.entrySet()) {
        merged.merge(e.getKey(), e.getValue(), Long::sum);
      }
    }
    return merged;
  }

  /** Merges the word-count maps and learns the vocabulary from them. */
  static final class LearnFn
      extends Combine.CombineFn<Map<String, Long>, Map<String, Long>, LearnedVocab> {
    private final int vocabSize;
    private final long minFrequency;
    private final int limitAlphabet;

    LearnFn(int vocabSize, long minFrequency, int limitAlphabet) {
      this.vocabSize = vocabSize;
      this.minFrequency = minFrequency;
      this.limitAlphabet = limitAlphabet;
    }

    @Override
    public Map<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Long> addInput(Map<String, Long> acc, Map<String, Long> input) {
      return addCounts(acc, input);
    }

    @Override
    public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accumulators) {
      return mergeCounts(accumulators);
    }

    @Override
    public LearnedVocab extractOutput(Map<String, Long> acc) {
      return WordPieceLearner.create()
          .withVocabSize(vocabSize)
          .withMinFrequency(minFrequency)
          .withLimitAlphabet(limitAlphabet)
          .learn(acc);
    }

    @Override
    public Coder<Map<String, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<Map<String, Long>> inputCoder) {
      return COUNTS;
    }

    @Override
    public Coder<LearnedVocab> getDefaultOutputCoder(
        CoderRegistry registry, Coder<Map<String, Long>> inputCoder) {
      return LearnedVocabCoder.of();
    }
  }

  /** Coder for {@link LearnedVocab}: the token list and the figures, in a fixed layout. */
  public static final class LearnedVocabCoder extends AtomicCoder<LearnedVocab> {
    private static final LearnedVocabCoder INSTANCE = new LearnedVocabCoder();
    private static final Coder<List<String>> TOKENS = ListCoder.of(StringUtf8Coder.of());

    public static LearnedVocabCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(LearnedVocab value, OutputStream out) throws IOException {
      TOKENS.encode(value.tokens(), out);
      VarIntCoder.of().encode(value.alphabetSize(), out);
      VarIntCoder.of().encode(value.merges(), out);
      VarLongCoder.of().encode(value.distinctWords(), out);
      VarLongCoder.of().encode(value.totalWords(), out);
    }

    @Override
    public LearnedVocab decode(InputStream in) throws IOException {
      List<String> tokens = TOKENS.decode(in);
      int alphabetSize = VarIntCoder.of().decode(in);
      int merges = VarIntCoder.of().decode(in);
      long distinct = VarLongCoder.of().decode(in);
      long total = VarLongCoder.of().decode(in);
      return new LearnedVocab(tokens, alphabetSize, merges, distinct, total);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
