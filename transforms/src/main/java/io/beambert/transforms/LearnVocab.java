package io.beambert.transforms;

import io.beambert.text.BertTokenizer;
import io.beambert.vocab.LearnedVocab;
import io.beambert.vocab.WordPieceLearner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.util.VarInt;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
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
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.coders.KvCoder;
import io.beambert.vocab.VocabReport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Learns a WordPiece vocabulary from text lines.
 *
 * <p>Input: {@code PCollection<String>} of text lines. Output: a {@code PCollection<LearnedVocab>}
 * with exactly one element (also for empty input: then only the special tokens), whose {@link
 * LearnedVocab#tokens()} is the content of {@code vocab.txt}.
 *
 * <p>Steps: {@link CountWords} basic-tokenizes each line as BERT does ({@link
 * BertTokenizer#basicTokens}) and counts the words in memory per bundle, emitting partial count maps
 * for {@value #SHARDS} shards of the words, which a per-shard combine adds up; {@link SumCounts}
 * gathers the shard maps into one, and {@link WordPieceLearner} learns from it. Keying by shard
 * rather than by word keeps the number of keys small, which matters on the DirectRunner, where
 * every key costs state and timers; counting in the DoFn keeps the number of elements proportional
 * to the distinct words per bundle rather than to the word occurrences.
 *
 * <p>Deterministic: the same lines and options give the same vocabulary whatever the input order,
 * bundling, parallelism or runner (counts are sums; the learner sorts its input and breaks every
 * tie). The lines must be in the global window.
 *
 * <p>Metrics: {@code words_counted}; {@code words_too_long_skipped} counts words longer than {@link
 * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points, which WordPiece turns into {@code [UNK]} anyway
 * and which take no part in learning (this also keeps a huge unbroken line from becoming one huge
 * key). Progress is logged at INFO (logger {@code io.beambert.transforms.LearnVocab}): lines counted
 * every few seconds, and the start and end of learning.
 *
 * <pre>{@code
 * PCollection<LearnedVocab> vocab =
 *     lines.apply(LearnVocab.create().withVocabSize(30522).withDoLowerCase(true));
 * }</pre>
 */
public final class LearnVocab extends PTransform<PCollection<String>, PCollection<LearnedVocab>> {
  private static final long serialVersionUID = 1L;

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
        .apply("Learn", fromCounts());
  }

  /**
   * The learning half of this transform, for word counts made elsewhere (e.g. by {@link
   * CountCorpusWords}): adds up word-count maps (any number, in the global window) and learns the
   * vocabulary from their sum with this transform's settings; {@link #withDoLowerCase} does not
   * apply (the counts are already made).
   *
   * <pre>{@code
   * PCollection<LearnedVocab> vocab =
   *     counts.get(CountCorpusWords.TRAINING).apply(LearnVocab.create().fromCounts());
   * }</pre>
   */
  public FromCounts fromCounts() {
    return new FromCounts(vocabSize, minFrequency, limitAlphabet);
  }

  /** Learns a vocabulary from word-count maps: see {@link LearnVocab#fromCounts()}. */
  public static final class FromCounts
      extends PTransform<PCollection<Map<String, Long>>, PCollection<LearnedVocab>> {
    private static final long serialVersionUID = 1L;

    private final int vocabSize;
    private final long minFrequency;
    private final int limitAlphabet;

    private FromCounts(int vocabSize, long minFrequency, int limitAlphabet) {
      this.vocabSize = vocabSize;
      this.minFrequency = minFrequency;
      this.limitAlphabet = limitAlphabet;
    }

    @Override
    public PCollection<LearnedVocab> expand(PCollection<Map<String, Long>> counts) {
      return counts
          .apply("GatherCounts", Combine.globally(new SumCounts()))
          .apply("Learn", ParDo.of(new LearnFn(vocabSize, minFrequency, limitAlphabet)))
          .setCoder(LearnedVocabCoder.of());
    }
  }

  /** Basic-tokenizes lines and counts the words: see {@link CountWords}. */
  public static CountWords countWords(boolean doLowerCase) {
    return new CountWords(doLowerCase, FLUSH_ENTRIES);
  }

  /**
   * Basic-tokenizes lines and counts the words.
   *
   * <p>Input: {@code PCollection<String>} of text lines in the global window. Output: word-count
   * maps that together hold every word exactly once (one map per shard of the words; a word's shard
   * is its {@code hashCode} modulo {@value LearnVocab#SHARDS}), coded with {@link
   * LearnVocab#COUNTS}. Each worker counts the words of its bundles in memory and emits partial
   * counts per shard, encoded canonically (at the end of a bundle, or earlier once it holds {@value
   * LearnVocab#FLUSH_ENTRIES} distinct words, which bounds memory); a per-shard combine adds them up.
   * So the number of elements is proportional to the distinct words per bundle, not to the word
   * occurrences. The counts are sums, so they do not depend on bundling, order or runner.
   *
   * <p>Words longer than {@link BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points, which
   * WordPiece turns into {@code [UNK]} whatever the vocabulary, are not stored (a huge unbroken line
   * would otherwise become one huge key); their number is counted under the key {@link
   * VocabReport#TOO_LONG_WORDS}, which contains spaces and so is never a word, and which {@link
   * VocabReport#measure} counts as {@code [UNK]} words.
   *
   * <p>Metrics: {@code words_counted}, {@code words_too_long_skipped}. Progress (lines and words
   * counted so far) is logged at INFO every {@value LearnVocab#PROGRESS_SECONDS} seconds per worker
   * JVM.
   *
   * <pre>{@code
   * PCollection<Map<String, Long>> counts =
   *     lines.apply(LearnVocab.countWords(true)).apply(Combine.globally(new LearnVocab.SumCounts()));
   * }</pre>
   */
  public static final class CountWords
      extends PTransform<PCollection<String>, PCollection<Map<String, Long>>> {
    private static final long serialVersionUID = 1L;

    private final boolean doLowerCase;
    private final int flushEntries;

    private CountWords(boolean doLowerCase, int flushEntries) {
      this.doLowerCase = doLowerCase;
      this.flushEntries = flushEntries;
    }

    /** Distinct words held per worker before partial counts are emitted early (tests: small). */
    CountWords withFlushEntries(int flushEntries) {
      return new CountWords(doLowerCase, flushEntries);
    }

    @Override
    public PCollection<Map<String, Long>> expand(PCollection<String> lines) {
      if (!(lines.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
        throw new IllegalArgumentException(
            "LearnVocab counts over the whole input: the lines must be in the global window, got "
                + lines.getWindowingStrategy().getWindowFn());
      }
      return lines
          .apply("CountInBundles", ParDo.of(new CountWordsFn(doLowerCase, flushEntries)))
          .setCoder(PARTIAL_COUNTS)
          .apply("SumPerShard", new SumPerShard());
    }
  }

  /** Coder of the partial counts (shard, encoded counts) the counting steps emit. */
  static final Coder<KV<Integer, byte[]>> PARTIAL_COUNTS =
      KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of());

  /** Adds up partial counts (shard, encoded counts) into one word-count map per shard. */
  static final class SumPerShard
      extends PTransform<PCollection<KV<Integer, byte[]>>, PCollection<Map<String, Long>>> {
    private static final long serialVersionUID = 1L;

    @Override
    public PCollection<Map<String, Long>> expand(PCollection<KV<Integer, byte[]>> partials) {
      return partials
          .apply("Sum", Combine.perKey(new SumEncodedCounts(COMPACT_BYTES)))
          .apply("Maps", Values.create())
          .setCoder(COUNTS);
    }
  }

  /** Number of shards the word counts are spread over. */
  static final int SHARDS = 32;

  /** Distinct words a counting worker holds before it emits its partial counts early. */
  static final int FLUSH_ENTRIES = 500_000;

  /** Seconds between two progress lines of the counting step (per JVM). */
  static final int PROGRESS_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(LearnVocab.class);
  private static final AtomicLong LINES_SEEN = new AtomicLong();
  private static final AtomicLong WORDS_SEEN = new AtomicLong();
  private static final AtomicLong NEXT_PROGRESS_NANOS = new AtomicLong(Long.MIN_VALUE);

  private static final Counter WORDS_COUNTED = Metrics.counter(LearnVocab.class, "words_counted");
  private static final Counter TOO_LONG_SKIPPED =
      Metrics.counter(LearnVocab.class, "words_too_long_skipped");

  /** Lines between two additions to the progress figures while counting. */
  private static final int PROGRESS_LINES = 4096;

  /**
   * Counts the basic tokens of its bundles per shard; emits partial counts keyed by shard, encoded
   * ({@link #encodeCounts}): the DirectRunner copies a key's buffered values each time more arrive
   * for it, and copying bytes is much cheaper than re-encoding maps.
   */
  static final class CountWordsFn extends DoFn<String, KV<Integer, byte[]>> {
    private static final long serialVersionUID = 1L;

    private final boolean doLowerCase;
    private final int flushEntries;
    private transient WordCounter counter;

    CountWordsFn(boolean doLowerCase, int flushEntries) {
      this.doLowerCase = doLowerCase;
      this.flushEntries = flushEntries;
    }

    @Setup
    public void setup() {
      counter = newCounter(doLowerCase, flushEntries);
    }

    @StartBundle
    public void startBundle() {
      counter.clear();
    }

    @ProcessElement
    public void process(@Element String line, OutputReceiver<KV<Integer, byte[]>> out) {
      countLine(counter, line, (shard, counts) -> out.output(KV.of(shard, counts)));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      flush(
          counter,
          (shard, counts) ->
              c.output(KV.of(shard, counts), GlobalWindow.INSTANCE.maxTimestamp(),
                  GlobalWindow.INSTANCE));
    }
  }

  /** A counter of basic tokens over {@value #SHARDS} shards. */
  static WordCounter newCounter(boolean doLowerCase, int flushEntries) {
    return new WordCounter(doLowerCase, SHARDS, flushEntries);
  }

  /**
   * Counts the words of {@code line} with {@code counter}; hands its partial counts (shard, encoded
   * counts) to {@code out} once it holds too many distinct words.
   */
  static void countLine(WordCounter counter, String line, BiConsumer<Integer, byte[]> out) {
    countLine(counter, line, full -> flush(full, out));
  }

  /** Counts the words of {@code line} with {@code counter}; hands it to {@code whenFull} when full. */
  static void countLine(WordCounter counter, String line, Consumer<WordCounter> whenFull) {
    counter.countLine(line);
    if (counter.lines() % PROGRESS_LINES == 0) {
      progress(PROGRESS_LINES, 0);
    }
    if (counter.isFull()) {
      whenFull.accept(counter);
    }
  }

  /**
   * Hands the partial counts of {@code counter} to {@code out} as (shard, encoded counts), adds its
   * figures to the metrics and the progress log, and empties it.
   */
  static void flush(WordCounter counter, BiConsumer<Integer, byte[]> out) {
    flushCounts(counter, (shard, counts) -> out.accept(shard, encodeCounts(counts)));
  }

  /** Like {@link #flush}, handing out the shards' word-count maps themselves (not encoded). */
  static void flushCounts(WordCounter counter, BiConsumer<Integer, Map<String, Long>> out) {
    WORDS_COUNTED.inc(counter.words());
    TOO_LONG_SKIPPED.inc(counter.tooLong());
    progress(counter.lines() % PROGRESS_LINES, counter.words() + counter.tooLong());
    counter.flush(out);
  }

  /** Adds to the JVM-wide progress figures and logs them when the last line is old enough. */
  private static void progress(long lines, long words) {
    long totalLines = LINES_SEEN.addAndGet(lines);
    long totalWords = WORDS_SEEN.addAndGet(words);
    long now = System.nanoTime();
    long next = NEXT_PROGRESS_NANOS.get();
    if (next == Long.MIN_VALUE) {
      NEXT_PROGRESS_NANOS.compareAndSet(next, now + PROGRESS_SECONDS * 1_000_000_000L);
    } else if (now - next >= 0
        && NEXT_PROGRESS_NANOS.compareAndSet(next, now + PROGRESS_SECONDS * 1_000_000_000L)) {
      LOG.info("counting words: {} lines basic-tokenized so far ({} words in flushed counts)",
          totalLines, totalWords);
    }
  }

  /**
   * Adds up word-count maps into one: the summing function of the counting steps, usable on its own
   * (e.g. {@code Combine.globally(new SumCounts())} to gather the maps of {@link CountWords}). It
   * leaves its inputs unmodified and reuses the largest accumulator when merging.
   */
  public static final class SumCounts
      extends Combine.CombineFn<Map<String, Long>, Map<String, Long>, Map<String, Long>> {
    private static final long serialVersionUID = 1L;

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
    public Map<String, Long> extractOutput(Map<String, Long> acc) {
      return acc;
    }

    @Override
    public Coder<Map<String, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<Map<String, Long>> inputCoder) {
      return COUNTS;
    }

    @Override
    public Coder<Map<String, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<Map<String, Long>> inputCoder) {
      return COUNTS;
    }
  }

  /**
   * Encodes word counts canonically: the number of words, then each word (UTF-8, length-prefixed)
   * and its count, in word order, so equal counts give equal bytes.
   */
  static byte[] encodeCounts(Map<String, Long> counts) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(counts.size() * 12 + 8);
      VarInt.encode(counts.size(), bytes);
      for (Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), bytes);
        VarInt.encode(e.getValue(), bytes);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /** Adds the counts encoded by {@link #encodeCounts} to {@code acc}; returns {@code acc}. */
  static Map<String, Long> addEncodedCounts(Map<String, Long> acc, byte[] encoded) {
    try {
      ByteArrayInputStream in = new ByteArrayInputStream(encoded);
      int n = VarInt.decodeInt(in);
      for (int i = 0; i < n; i++) {
        String word = StringUtf8Coder.of().decode(in);
        acc.merge(word, VarInt.decodeLong(in), Long::sum);
      }
      return acc;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds up encoded partial counts. The accumulator keeps the encoded partial counts as they are
   * (copying bytes is cheap where a runner copies accumulators, as the DirectRunner does on every
   * arrival at a key) and compacts them into one encoding of their sums once they exceed {@value
   * #COMPACT_BYTES} bytes, which bounds its size by about twice the encoding of the distinct words.
   */
  static final class SumEncodedCounts
      extends Combine.CombineFn<byte[], List<byte[]>, Map<String, Long>> {
    private static final long serialVersionUID = 1L;

    private final int compactBytes;

    SumEncodedCounts(int compactBytes) {
      this.compactBytes = compactBytes;
    }

    @Override
    public List<byte[]> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<byte[]> addInput(List<byte[]> acc, byte[] input) {
      acc.add(input);
      return compactIfLarge(acc);
    }

    @Override
    public List<byte[]> mergeAccumulators(Iterable<List<byte[]>> accumulators) {
      List<byte[]> merged = new ArrayList<>();
      for (List<byte[]> acc : accumulators) {
        merged.addAll(acc);
      }
      return compactIfLarge(merged);
    }

    @Override
    public Map<String, Long> extractOutput(List<byte[]> acc) {
      Map<String, Long> counts = new HashMap<>();
      for (byte[] encoded : acc) {
        addEncodedCounts(counts, encoded);
      }
      return counts;
    }

    private List<byte[]> compactIfLarge(List<byte[]> acc) {
      long bytes = 0;
      for (byte[] encoded : acc) {
        bytes += encoded.length;
      }
      if (bytes <= compactBytes || acc.size() == 1) {
        return acc;
      }
      List<byte[]> compacted = new ArrayList<>(1);
      compacted.add(encodeCounts(extractOutput(acc)));
      return compacted;
    }

    @Override
    public Coder<List<byte[]>> getAccumulatorCoder(
        CoderRegistry registry, Coder<byte[]> inputCoder) {
      return ListCoder.of(ByteArrayCoder.of());
    }

    @Override
    public Coder<Map<String, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<byte[]> inputCoder) {
      return COUNTS;
    }
  }

  /** Encoded partial counts an accumulator holds before it compacts them. */
  static final int COMPACT_BYTES = 8 << 20;

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

  /** Learns the vocabulary from the gathered word counts. */
  static final class LearnFn extends DoFn<Map<String, Long>, LearnedVocab> {
    private static final long serialVersionUID = 1L;

    private final int vocabSize;
    private final long minFrequency;
    private final int limitAlphabet;

    LearnFn(int vocabSize, long minFrequency, int limitAlphabet) {
      this.vocabSize = vocabSize;
      this.minFrequency = minFrequency;
      this.limitAlphabet = limitAlphabet;
    }

    @ProcessElement
    public void process(@Element Map<String, Long> counts, OutputReceiver<LearnedVocab> out) {
      out.output(learn(counts, vocabSize, minFrequency, limitAlphabet));
    }
  }

  /**
   * Learns a vocabulary in this JVM from word counts gathered elsewhere (e.g. by {@link
   * CountCorpusWords#countInProcess}) with this transform's settings: what {@link #fromCounts()}
   * does once it has added up its input. {@code counts} may hold {@link VocabReport#TOO_LONG_WORDS},
   * which takes no part in learning.
   */
  public LearnedVocab learn(Map<String, Long> counts) {
    return learn(counts, vocabSize, minFrequency, limitAlphabet);
  }

  private static LearnedVocab learn(
      Map<String, Long> counts, int vocabSize, long minFrequency, int limitAlphabet) {
    LOG.info(
        "learning a vocabulary of {} tokens from {} distinct words",
        vocabSize, counts.size() - (counts.containsKey(VocabReport.TOO_LONG_WORDS) ? 1 : 0));
    long start = System.nanoTime();
    LearnedVocab vocab =
        WordPieceLearner.create()
            .withVocabSize(vocabSize)
            .withMinFrequency(minFrequency)
            .withLimitAlphabet(limitAlphabet)
            .learn(counts); // it leaves out the count of words too long for WordPiece
    LOG.info(
        "learned {} tokens ({} characters, {} merges) in {} ms",
        vocab.size(), vocab.alphabetSize(), vocab.merges(),
        (System.nanoTime() - start) / 1_000_000);
    return vocab;
  }

  /** Coder for {@link LearnedVocab}: the token list and the figures, in a fixed layout. */
  public static final class LearnedVocabCoder extends AtomicCoder<LearnedVocab> {
    private static final long serialVersionUID = 1L;
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
