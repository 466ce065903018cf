package io.beambert.transforms.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.distributed.AvroInstanceEncoder;
import io.beambert.instances.distributed.ContentId;
import io.beambert.instances.distributed.PoolGenerator;
import io.beambert.io.InstanceShardWriter;
import io.beambert.io.OutputDirectory;
import io.beambert.io.RunMetadata;
import io.beambert.io.ShardNames;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.CodecFactory;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
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
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The distributed mode of pretraining-data generation: documents in, Avro shards, dead letters and
 * {@code _metadata.json} out, with one shuffle of tokenized-size data and none of the instances.
 *
 * <p>Input: {@code KV<contentId, text>} documents ({@link ReadDocuments}), or, with {@link
 * #fromSources()}, {@code KV<contentId, DocumentSource>} ({@link ReadDocuments#sources}), which
 * shuffles document locations instead of texts. Steps:
 *
 * <ol>
 *   <li>count the documents; the number of pools (and shards) is {@code numShards} when set, else
 *       {@code ceil(documents / nspPoolSize)};
 *   <li>key each document by its pool, {@link ContentId#pool}, and group;
 *   <li>per pool (documents sorted by id, texts read again from their sources): tokenize,
 *       generate with {@link PoolGenerator} (each
 *       document and pass on its own stream, random-next partners from the pool, the pool's
 *       instances shuffled), and write them straight to the pool's shard under a temporary name,
 *       with an Avro sync marker derived from the run key and the shard, so a rerun writes the
 *       same bytes;
 *   <li>once every pool is written: write empty shards for pools without documents, rename the
 *       temporary shards, and write {@code _metadata.json} last.
 * </ol>
 *
 * <p>Output: one element, the run's counts by name ({@code documents_read}, {@code
 * documents_used}, {@code documents_empty}, {@code documents_dead_lettered}, {@code sentences},
 * {@code tokens}, {@code instances}, {@code instance_tokens}, {@code masked_positions}, {@code
 * random_next}, {@code shards}), also written to {@code _metadata.json}. Guarantees: the multiset of instances depends only on the documents'
 * contents and the options, not on file order, bundling, worker count, retries or runner; a rerun
 * gives byte-identical shards. Memory: a worker holds one pool at a time (its texts, tokens and
 * instances, about 330 bytes each with the defaults).
 *
 * <p>Failures: a document with a sentence longer than {@code maxSentenceBytes} (UTF-8) or whose
 * tokenization or generation throws goes to {@code OUTPUT/_dead_letter/part-SSSSS-of-NNNNN.jsonl}
 * (one JSON object per line: id, step, reason, text) and the run goes on; documents_read =
 * documents_used + documents_empty + documents_dead_lettered. Metrics (namespace {@value
 * #METRICS}): counters {@code documents_used}, {@code documents_empty}, {@code
 * documents_dead_lettered} and {@code instances} ({@link ReadDocuments} adds {@code
 * documents_read}), and distribution {@code pool_documents}.
 *
 * <pre>{@code
 * pipeline
 *     .apply(ReadDocuments.from("corpus/*.txt"))
 *     .apply(GenerateDistributed.to("out/shards", vocabLines).withOptions(InstanceOptions.defaults()));
 * }</pre>
 */
public final class GenerateDistributed
    extends PTransform<PCollection<KV<String, String>>, PCollection<Map<String, Long>>> {

  /** Namespace of this transform's metrics. */
  public static final String METRICS = "beambert.distributed";

  /** Default pool size: see the class comment of {@link PoolGenerator} and BENCHMARKS.md. */
  public static final int DEFAULT_NSP_POOL_SIZE = 250;

  /** Default limit on one sentence's UTF-8 bytes. */
  public static final int DEFAULT_MAX_SENTENCE_BYTES = 10_000_000;

  private static final String[] COUNT_NAMES = {
    "instances", "documents_used", "documents_empty", "documents_dead_lettered", "sentences",
    "tokens", "instance_tokens", "masked_positions", "random_next"
  };

  private final Config config;

  private GenerateDistributed(Config config) {
    this.config = config;
  }

  /** Settings, immutable. */
  static final class Config implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    String outputDir;
    /** The vocabulary's lines, UTF-8, each followed by '\n': one array serializes far faster
     * than 30,000 strings, and runners serialize this configuration with every DoFn. */
    byte[] vocabBytes;
    boolean doLowerCase = true;
    InstanceOptions options = InstanceOptions.defaults();
    int numShards;
    int nspPoolSize = DEFAULT_NSP_POOL_SIZE;
    int maxSentenceBytes = DEFAULT_MAX_SENTENCE_BYTES;
    String codec = "snappy";
    String runKey = "";
    String metadataOptionsJson = "{}";
    String vocabSha256 = "";
    String noDocumentsError;
    long startMillis = -1;

    List<String> vocabLines() {
      String all = new String(vocabBytes, StandardCharsets.UTF_8);
      return List.of(all.substring(0, all.length() - 1).split("\n", -1));
    }

    /** Opens the temporary file of shard {@code index} of {@code count} in this run's format. */
    InstanceShardWriter openShard(int index, int count) throws IOException {
      return InstanceShardWriter.openShard(
          outputDir, index, count, codecFactory(codec), SYNC_MARKERS, runKey);
    }

    Config copy() {
      Config c = new Config();
      c.outputDir = outputDir;
      c.vocabBytes = vocabBytes;
      c.doLowerCase = doLowerCase;
      c.options = options;
      c.numShards = numShards;
      c.nspPoolSize = nspPoolSize;
      c.maxSentenceBytes = maxSentenceBytes;
      c.codec = codec;
      c.runKey = runKey;
      c.metadataOptionsJson = metadataOptionsJson;
      c.vocabSha256 = vocabSha256;
      c.noDocumentsError = noDocumentsError;
      c.startMillis = startMillis;
      return c;
    }
  }

  /**
   * Writes to {@code outputDir} (any Beam file system) with the vocabulary given as its file's
   * lines (line index = id). The directory should be prepared by the caller (empty, or cleared
   * for overwriting).
   */
  public static GenerateDistributed to(String outputDir, List<String> vocabLines) {
    if (outputDir == null || outputDir.isEmpty()) {
      throw new IllegalArgumentException("outputDir must be non-empty");
    }
    Config c = new Config();
    c.outputDir = outputDir;
    InstanceVocab.fromTokens(vocabLines); // fails early, naming what is missing
    StringBuilder sb = new StringBuilder();
    for (String line : vocabLines) {
      if (line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a vocabulary line contains a newline: " + line);
      }
      sb.append(line).append('\n');
    }
    c.vocabBytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    return new GenerateDistributed(c);
  }

  /** Instance options (reference defaults). */
  public GenerateDistributed withOptions(InstanceOptions options) {
    Config c = config.copy();
    c.options = options;
    return new GenerateDistributed(c);
  }

  /** Lower-case and strip accents before WordPiece (default true). */
  public GenerateDistributed withLowerCase(boolean doLowerCase) {
    Config c = config.copy();
    c.doLowerCase = doLowerCase;
    return new GenerateDistributed(c);
  }

  /** Fixed number of pools and shards (default 0: {@code ceil(documents / nspPoolSize)}); &ge; 0. */
  public GenerateDistributed withNumShards(int numShards) {
    if (numShards < 0) {
      throw new IllegalArgumentException("numShards must be >= 0 (0: derived), got " + numShards);
    }
    Config c = config.copy();
    c.numShards = numShards;
    return new GenerateDistributed(c);
  }

  /** Documents per random-next pool (default {@value #DEFAULT_NSP_POOL_SIZE}); &ge; 1. */
  public GenerateDistributed withNspPoolSize(int nspPoolSize) {
    if (nspPoolSize < 1) {
      throw new IllegalArgumentException("nspPoolSize must be at least 1, got " + nspPoolSize);
    }
    Config c = config.copy();
    c.nspPoolSize = nspPoolSize;
    return new GenerateDistributed(c);
  }

  /** Longest sentence in UTF-8 bytes (default 10,000,000); longer ones dead-letter their document. */
  public GenerateDistributed withMaxSentenceBytes(int maxSentenceBytes) {
    if (maxSentenceBytes < 1) {
      throw new IllegalArgumentException("maxSentenceBytes must be positive, got " + maxSentenceBytes);
    }
    Config c = config.copy();
    c.maxSentenceBytes = maxSentenceBytes;
    return new GenerateDistributed(c);
  }

  /**
   * Avro codec of the shards: {@code null}, {@code deflate-N} (N in 1..9), {@code snappy}, {@code
   * zstandard} (default {@code snappy}).
   */
  public GenerateDistributed withCodec(String codec) {
    codecFactory(codec); // validates
    Config c = config.copy();
    c.codec = codec;
    return new GenerateDistributed(c);
  }

  /**
   * Run description for {@code _metadata.json}: the options as a JSON object, the vocabulary's
   * SHA-256, and a run key (text naming everything that decides the content) that seeds the Avro
   * sync markers.
   */
  public GenerateDistributed withRunDescription(
      String optionsJson, String vocabSha256, String runKey) {
    Config c = config.copy();
    c.metadataOptionsJson = optionsJson;
    c.vocabSha256 = vocabSha256;
    c.runKey = runKey;
    return new GenerateDistributed(c);
  }

  /**
   * When the run started (epoch milliseconds, as {@link System#currentTimeMillis()}), so that
   * {@code _metadata.json} records {@code wall_time_seconds} up to its writing. Default: not
   * recorded.
   */
  public GenerateDistributed withStartMillis(long startMillis) {
    Config c = config.copy();
    c.startMillis = startMillis;
    return new GenerateDistributed(c);
  }

  /**
   * Fails the run with {@code IllegalArgumentException(message)} when no document yields
   * instances (every document empty or dead-lettered, or none read), before any shard is renamed
   * or {@code _metadata.json} written. Default: such a run succeeds with empty shards.
   */
  public GenerateDistributed withNoDocumentsError(String message) {
    if (message == null || message.isEmpty()) {
      throw new IllegalArgumentException("message must be non-empty");
    }
    Config c = config.copy();
    c.noDocumentsError = message;
    return new GenerateDistributed(c);
  }

  static CodecFactory codecFactory(String codec) {
    String c = codec.toLowerCase(Locale.ROOT);
    if (c.startsWith("deflate-")) {
      int level;
      try {
        level = Integer.parseInt(c.substring("deflate-".length()));
      } catch (NumberFormatException e) {
        level = -1;
      }
      if (level < 1 || level > 9) {
        throw new IllegalArgumentException("codec deflate-N needs N in 1..9, got " + codec);
      }
      return CodecFactory.deflateCodec(level);
    }
    switch (c) {
      case "null":
      case "snappy":
      case "zstandard":
      case "deflate":
        return CodecFactory.fromString(c);
      default:
        throw new IllegalArgumentException(
            "codec must be null, deflate-N, snappy or zstandard, got " + codec);
    }
  }

  @Override
  public PCollection<Map<String, Long>> expand(PCollection<KV<String, String>> documents) {
    return documents
        .apply(
            "CarryTexts",
            MapElements.into(
                    new TypeDescriptor<KV<String, DocumentSource>>() {})
                .via(kv -> KV.of(kv.getKey(), DocumentSource.text(kv.getValue()))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()))
        .apply("Generate", fromSources());
  }

  /**
   * The same generation over documents given as {@code KV<id, DocumentSource>} ({@link
   * ReadDocuments#sources}): only the sources go through the shuffle, and each pool reads its
   * documents' texts again when it is generated, so a runner that groups in memory holds a few
   * dozen bytes per document instead of the corpus. Same output as this transform over the texts.
   */
  public FromSources fromSources() {
    return new FromSources(config);
  }

  /** {@link GenerateDistributed#fromSources()}. */
  public static final class FromSources
      extends PTransform<PCollection<KV<String, DocumentSource>>, PCollection<Map<String, Long>>> {
    private final Config config;

    private FromSources(Config config) {
      this.config = config;
    }

    @Override
    public PCollection<Map<String, Long>> expand(
        PCollection<KV<String, DocumentSource>> documents) {
      PCollection<Long> documentCount = documents.apply("CountDocuments", Count.globally());
      PCollectionView<Long> documentsRead =
          documentCount.apply("DocumentsRead", View.asSingleton());
      int fixed = config.numShards;
      int poolSize = config.nspPoolSize;
      PCollectionView<Integer> pools =
          documentCount
              .apply(
                  "NumberOfPools",
                  MapElements.into(TypeDescriptors.integers())
                      .via(n -> numberOfPools(n, fixed, poolSize)))
              .apply("PoolsView", View.asSingleton());
      PCollection<KV<Integer, List<Long>>> written =
          documents
              .apply(
                  "KeyByPool",
                  fixed > 0
                      ? ParDo.of(new KeyByPoolFn(fixed))
                      : ParDo.of(new KeyByPoolFn(pools)).withSideInputs(pools))
              .setCoder(
                  KvCoder.of(
                      KvCoder.of(VarIntCoder.of(), VarIntCoder.of()),
                      KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder())))
              .apply("GroupPools", GroupByKey.create())
              .apply("GenerateAndWritePools", ParDo.of(new PoolFn(config)))
              .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(VarLongCoder.of())));
      return written
          .apply("CollectPoolCounts", Combine.globally(new CollectFn()))
          .apply(
              "CommitOutput",
              ParDo.of(new CommitFn(config, pools, documentsRead))
                  .withSideInputs(pools, documentsRead))
          .setCoder(MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    }
  }

  /** {@code numShards} when set, else {@code ceil(documents / poolSize)}, at least 1. */
  static int numberOfPools(long documents, int numShards, int poolSize) {
    if (numShards > 0) {
      return numShards;
    }
    return (int) Math.max(1, Math.min(99_999, (documents + poolSize - 1) / poolSize));
  }

  static String deadLetterName(int index, int count) {
    return String.format(Locale.ROOT, "part-%05d-of-%05d.jsonl", index, count);
  }

  /** Folder of dead letters inside the output directory. */
  public static final String DEAD_LETTER_DIR = ShardNames.DEAD_LETTER_DIR;

  /** Sync-marker domain of the distributed mode's shards ({@link ShardNames#syncMarker}). */
  static final String SYNC_MARKERS = "beambert-distributed-shard";

  /** Keys each document by (pool, number of pools). */
  static final class KeyByPoolFn
      extends DoFn<KV<String, DocumentSource>, KV<KV<Integer, Integer>, KV<String, DocumentSource>>> {
    private final PCollectionView<Integer> pools;
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

  /** Tokenizes, generates and writes one pool. */
  static final class PoolFn
      extends DoFn<
          KV<KV<Integer, Integer>, Iterable<KV<String, DocumentSource>>>,
          KV<Integer, List<Long>>> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Config config;
    private final Counter used = Metrics.counter(METRICS, "documents_used");
    private final Counter empty = Metrics.counter(METRICS, "documents_empty");
    private final Counter dead = Metrics.counter(METRICS, "documents_dead_lettered");
    private final Counter instancesCounter = Metrics.counter(METRICS, "instances");
    private final Distribution poolDocuments = Metrics.distribution(METRICS, "pool_documents");
    private transient BertTokenizer tokenizer;
    private transient PoolGenerator generator;
    private transient AvroInstanceEncoder encoder;

    PoolFn(Config config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      List<String> lines = config.vocabLines();
      Vocab vocab = Vocab.of(lines);
      tokenizer = new BertTokenizer(vocab, config.doLowerCase);
      generator = new PoolGenerator(config.options, InstanceVocab.fromTokens(lines));
      encoder =
          new AvroInstanceEncoder(
              config.options.maxSeqLength(), config.options.maxPredictionsPerSeq());
    }

    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Integer>, Iterable<KV<String, DocumentSource>>> element,
        OutputReceiver<KV<Integer, List<Long>>> out)
        throws IOException {
      int pool = element.getKey().getKey();
      int pools = element.getKey().getValue();
      List<KV<String, DocumentSource>> sources = new ArrayList<>();
      element.getValue().forEach(sources::add);
      List<DocumentSource> located = new ArrayList<>(sources.size());
      sources.forEach(kv -> located.add(kv.getValue()));
      List<String> read = DocumentSource.readAll(located);
      List<KV<String, String>> docs = new ArrayList<>(sources.size());
      for (int i = 0; i < sources.size(); i++) {
        docs.add(KV.of(sources.get(i).getKey(), read.get(i)));
      }
      // By id, then by text: two different texts with one id (a hash collision) keep a fixed order.
      docs.sort(
          (a, b) -> {
            int c = a.getKey().compareTo(b.getKey());
            return c != 0 ? c : a.getValue().compareTo(b.getValue());
          });
      poolDocuments.update(docs.size());

      List<String> ids = new ArrayList<>(docs.size());
      List<int[][]> tokens = new ArrayList<>(docs.size());
      List<String> texts = new ArrayList<>(docs.size());
      List<ObjectNode> deadLetters = new ArrayList<>();
      long emptyDocs = 0;
      long sentences = 0;
      long tokenCount = 0;
      for (KV<String, String> doc : docs) {
        String text = doc.getValue();
        String[] lines = text.split("\n", -1);
        String tooLong = tooLong(lines);
        if (tooLong != null) {
          deadLetters.add(deadLetter(doc, "read", tooLong));
          continue;
        }
        int[][] ids2;
        try {
          ids2 = tokenize(lines);
        } catch (RuntimeException e) {
          deadLetters.add(deadLetter(doc, "tokenize", describe(e)));
          continue;
        }
        if (ids2.length == 0) {
          emptyDocs++;
          continue;
        }
        sentences += ids2.length;
        for (int[] s : ids2) {
          tokenCount += s.length;
        }
        ids.add(doc.getKey());
        tokens.add(ids2);
        texts.add(text);
      }
      ProgressCounters.addDocuments(ids.size() + emptyDocs + deadLetters.size());

      List<PoolGenerator.Failure> failed = new ArrayList<>();
      long[] written = {0};
      PoolGenerator.Totals totals;
      ResourceId dir = FileSystems.matchNewResource(config.outputDir, true);
      try (InstanceShardWriter writer = config.openShard(pool, pools)) {
        totals = generator.generateEncoded(
            ids,
            tokens,
            pool + "-of-" + pools,
            encoder,
            (buffer, offset, length) -> {
              try {
                writer.writeEncoded(buffer, offset, length);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              if ((++written[0] & 4095) == 0) {
                ProgressCounters.addInstances(4096);
              }
            },
            failed::add);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      ProgressCounters.addInstances(written[0] & 4095);
      for (PoolGenerator.Failure f : failed) {
        // Counted as read and tokenized above; the counts are of the documents used.
        for (int[] sentence : tokens.get(f.index())) {
          sentences--;
          tokenCount -= sentence.length;
        }
        deadLetters.add(
            deadLetter(
                KV.of(ids.get(f.index()), texts.get(f.index())), "generate", describe(f.cause())));
      }
      if (!deadLetters.isEmpty()) {
        writeDeadLetters(dir, pool, pools, deadLetters);
      }
      long usedDocs = ids.size() - failed.size();
      used.inc(usedDocs);
      empty.inc(emptyDocs);
      dead.inc(deadLetters.size());
      instancesCounter.inc(written[0]);
      out.output(
          KV.of(
              pool,
              List.of(written[0], usedDocs, emptyDocs, (long) deadLetters.size(), sentences,
                  tokenCount, totals.instanceTokens(), totals.maskedPositions(),
                  totals.randomNext())));
    }

    private String tooLong(String[] lines) {
      for (String s : lines) {
        // A char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4 bytes).
        if ((long) s.length() * 3 > config.maxSentenceBytes) {
          long bytes = s.getBytes(StandardCharsets.UTF_8).length;
          if (bytes > config.maxSentenceBytes) {
            return "sentence of " + bytes + " bytes exceeds maxSentenceBytes="
                + config.maxSentenceBytes;
          }
        }
      }
      return null;
    }

    private int[][] tokenize(String[] lines) {
      List<int[]> out = new ArrayList<>(lines.length);
      for (String s : lines) {
        int[] ids = tokenizer.tokenizeToIds(s);
        if (ids.length > 0) {
          out.add(ids);
        }
      }
      return out.toArray(new int[0][]);
    }

    private static String describe(RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static ObjectNode deadLetter(KV<String, String> doc, String step, String reason) {
      ObjectNode n = JSON.createObjectNode();
      n.put("id", doc.getKey());
      n.put("step", step);
      n.put("reason", reason);
      n.put("text", doc.getValue());
      return n;
    }

    private static void writeDeadLetters(
        ResourceId dir, int pool, int pools, List<ObjectNode> deadLetters) throws IOException {
      ResourceId folder =
          dir.resolve(DEAD_LETTER_DIR, StandardResolveOptions.RESOLVE_DIRECTORY);
      String name = deadLetterName(pool, pools);
      ResourceId temp = folder.resolve("." + name + ".inprogress", StandardResolveOptions.RESOLVE_FILE);
      ResourceId target = folder.resolve(name, StandardResolveOptions.RESOLVE_FILE);
      try (OutputStream os = Channels.newOutputStream(FileSystems.create(temp, "application/json"))) {
        for (ObjectNode n : deadLetters) {
          os.write(JSON.writeValueAsBytes(n));
          os.write('\n');
        }
      }
      FileSystems.rename(
          List.of(temp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }

  /** Collects the per-pool counts into one list. */
  static final class CollectFn
      extends Combine.CombineFn<
          KV<Integer, List<Long>>, List<KV<Integer, List<Long>>>, List<KV<Integer, List<Long>>>> {
    @Override
    public List<KV<Integer, List<Long>>> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<KV<Integer, List<Long>>> addInput(
        List<KV<Integer, List<Long>>> acc, KV<Integer, List<Long>> input) {
      acc.add(input);
      return acc;
    }

    @Override
    public List<KV<Integer, List<Long>>> mergeAccumulators(
        Iterable<List<KV<Integer, List<Long>>>> accs) {
      List<KV<Integer, List<Long>>> out = new ArrayList<>();
      accs.forEach(out::addAll);
      return out;
    }

    @Override
    public List<KV<Integer, List<Long>>> extractOutput(List<KV<Integer, List<Long>>> acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<KV<Integer, List<Long>>>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<KV<Integer, List<Long>>> inputCoder) {
      return ListCoder.of(inputCoder);
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<KV<Integer, List<Long>>>> getDefaultOutputCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<KV<Integer, List<Long>>> inputCoder) {
      return ListCoder.of(inputCoder);
    }
  }

  /** Writes missing empty shards, renames the shards and writes {@code _metadata.json}. */
  static final class CommitFn extends DoFn<List<KV<Integer, List<Long>>>, Map<String, Long>> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Config config;
    private final PCollectionView<Integer> pools;
    private final PCollectionView<Long> documentsRead;

    CommitFn(Config config, PCollectionView<Integer> pools, PCollectionView<Long> documentsRead) {
      this.config = config;
      this.pools = pools;
      this.documentsRead = documentsRead;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      int n = c.sideInput(pools);
      long read = c.sideInput(documentsRead);
      Map<Integer, List<Long>> byPool = new TreeMap<>();
      for (KV<Integer, List<Long>> kv : c.element()) {
        byPool.put(kv.getKey(), kv.getValue());
      }
      long[] totals = new long[COUNT_NAMES.length];
      for (List<Long> counts : byPool.values()) {
        for (int k = 0; k < totals.length; k++) {
          totals[k] += counts.get(k);
        }
      }
      if (config.noDocumentsError != null && totals[1] == 0) {
        throw new IllegalArgumentException(config.noDocumentsError);
      }
      long[] perShard = new long[n];
      byPool.forEach((pool, counts) -> perShard[pool] = counts.get(0));
      // Pools without documents get an empty shard; a retried commit keeps what it renamed.
      OutputDirectory.commit(config.outputDir, perShard, i -> config.openShard(i, n));

      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("documents_read", read);
      counts.put("documents_used", totals[1]);
      counts.put("documents_empty", totals[2]);
      counts.put("documents_dead_lettered", totals[3]);
      counts.put("sentences", totals[4]);
      counts.put("tokens", totals[5]);
      counts.put("instances", totals[0]);
      counts.put("instance_tokens", totals[6]);
      counts.put("masked_positions", totals[7]);
      counts.put("random_next", totals[8]);
      counts.put("shards", (long) n);

      @SuppressWarnings("unchecked")
      Map<String, Object> options = JSON.readValue(config.metadataOptionsJson, LinkedHashMap.class);
      RunMetadata metadata =
          RunMetadata.withOptions(options)
              .vocabSha256(config.vocabSha256)
              .schema(PretrainingInstance.getClassSchema())
              .counts(counts)
              .shards(perShard);
      if (config.startMillis >= 0) {
        metadata.wallTimeSeconds((System.currentTimeMillis() - config.startMillis) / 1000.0);
      }
      OutputDirectory.writeMetadata(config.outputDir, metadata.toJson());
      c.output(counts);
    }
  }
}
