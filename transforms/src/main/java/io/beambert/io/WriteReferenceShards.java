package io.beambert.io;

import io.beambert.instances.InstanceEncoder;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.schemas.RunCounts;
import io.beambert.schemas.TokenizedDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reference mode: generates the pretraining instances of a whole corpus exactly like the
 * reference's {@code create_pretraining_data.py} and writes them round-robin into Avro shards.
 *
 * <p>Input: {@code PCollection<TokenizedDocument>} (documents of any order). Output: a {@code
 * PCollection<RunCounts>} with exactly one element (zeros for an empty corpus), after the shards
 * have been written under their temporary names in the output directory; {@link
 * OutputDirectory#commit} then gives them their final names.
 *
 * <p>The reference's algorithm draws from one sequential random stream over the whole corpus, so
 * this step runs on one worker: the documents are gathered on one key, put back into input order
 * (file name, then line; a document that reaches the end of its file without a blank line is
 * continued by the first document of the next file when that one starts without a blank line,
 * as the reference reads files), and handed to {@link ReferenceGenerator}, which emits the
 * instances in their final order; the writer streams them into the shards.
 *
 * <p>Memory bound on that worker: the token ids of the corpus as {@code int} arrays (4 bytes per
 * word piece plus about 16 bytes per sentence) plus {@link ReferenceGenerator}'s compact instance
 * store (at most about 340 bytes per instance with the defaults and a 30,522-entry vocabulary),
 * plus whatever the runner holds of the grouped input. The reference keeps Python string lists of
 * the corpus and every instance as Python objects (kilobytes each).
 *
 * <p>Deterministic: the same corpus, vocabulary and options give byte-identical shards. Metrics:
 * counters {@code reference_documents}, {@code reference_instances}.
 *
 * <pre>{@code
 * PCollection<RunCounts> counts =
 *     tokenizedDocs.apply(
 *         WriteReferenceShards.to("out/").withOptions(options).withVocab(vocab).withNumShards(4));
 * }</pre>
 */
public final class WriteReferenceShards
    extends PTransform<PCollection<TokenizedDocument>, PCollection<RunCounts>> {

  private final String outputDir;
  private final InstanceOptions options;
  private final InstanceVocab vocab;
  private final int numShards;
  private final String runKey;

  private WriteReferenceShards(
      String outputDir, InstanceOptions options, InstanceVocab vocab, int numShards, String runKey) {
    this.outputDir = outputDir;
    this.options = options;
    this.vocab = vocab;
    this.numShards = numShards;
    this.runKey = runKey;
  }

  /** Writes into {@code outputDir}, reference defaults, one shard; a vocabulary is required. */
  public static WriteReferenceShards to(String outputDir) {
    if (outputDir == null || outputDir.isEmpty()) {
      throw new IllegalArgumentException("outputDir must be a directory, got '" + outputDir + "'");
    }
    return new WriteReferenceShards(outputDir, InstanceOptions.defaults(), null, 1, "");
  }

  /** The generation settings; default {@link InstanceOptions#defaults()}. */
  public WriteReferenceShards withOptions(InstanceOptions options) {
    return new WriteReferenceShards(outputDir, options, vocab, numShards, runKey);
  }

  /** The vocabulary (ids of special tokens, "##" pieces, replacement table); required. */
  public WriteReferenceShards withVocab(InstanceVocab vocab) {
    return new WriteReferenceShards(outputDir, options, vocab, numShards, runKey);
  }

  /** Number of shards, at least 1; default 1. Instance k goes to shard k mod numShards. */
  public WriteReferenceShards withNumShards(int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    return new WriteReferenceShards(outputDir, options, vocab, numShards, runKey);
  }

  /**
   * Text that identifies the run's content (e.g. options and vocabulary digest); seeds the shards'
   * Avro sync markers. Default: the options' text.
   */
  public WriteReferenceShards withRunKey(String runKey) {
    return new WriteReferenceShards(outputDir, options, vocab, numShards, runKey);
  }

  @Override
  public PCollection<RunCounts> expand(PCollection<TokenizedDocument> docs) {
    if (vocab == null) {
      throw new IllegalArgumentException("WriteReferenceShards needs withVocab(...)");
    }
    String key = runKey.isEmpty() ? options.toString() : runKey;
    return docs.apply("OneKey", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), AvroCoder.of(TokenizedDocument.class)))
        .apply("GatherCorpus", GroupByKey.create())
        .apply(
            "GenerateAndWrite",
            ParDo.of(new GenerateFn(outputDir, options, vocab, numShards, key)))
        .setCoder(AvroCoder.of(RunCounts.class))
        .apply("Total", Combine.globally(new Counts.SumFn()))
        .setCoder(AvroCoder.of(RunCounts.class));
  }

  /** A document on its way back into input order. */
  private static final class Doc {
    final String file;
    final long firstLine;
    final boolean opensFile;
    final boolean closesFile;
    final List<int[]> sentences;

    Doc(TokenizedDocument d) {
      this.file = d.getFile();
      this.firstLine = d.getFirstLine();
      this.opensFile = d.getOpensFile();
      this.closesFile = d.getClosesFile();
      this.sentences = new ArrayList<>(d.getSentences().size());
      for (List<Integer> s : d.getSentences()) {
        if (!s.isEmpty()) {
          int[] ids = new int[s.size()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = s.get(i);
          }
          sentences.add(ids);
        }
      }
    }
  }

  /**
   * Puts documents into the reference's input order and joins documents across file boundaries the
   * way the reference reads them; returns the non-empty documents.
   */
  static List<int[][]> inInputOrder(Iterable<TokenizedDocument> grouped) {
    List<Doc> docs = new ArrayList<>();
    for (TokenizedDocument d : grouped) {
      docs.add(new Doc(d));
    }
    docs.sort(Comparator.<Doc, String>comparing(d -> d.file).thenComparingLong(d -> d.firstLine));
    List<int[][]> out = new ArrayList<>(docs.size());
    List<int[]> current = null;
    Doc previous = null;
    for (Doc d : docs) {
      boolean continues =
          previous != null
              && !previous.file.equals(d.file)
              && previous.closesFile
              && d.opensFile;
      if (!continues) {
        flush(current, out);
        current = new ArrayList<>();
      }
      current.addAll(d.sentences);
      previous = d;
    }
    flush(current, out);
    return out;
  }

  private static void flush(List<int[]> sentences, List<int[][]> out) {
    if (sentences != null && !sentences.isEmpty()) {
      out.add(sentences.toArray(new int[0][]));
    }
  }

  /** Runs the reference algorithm over the gathered corpus and streams instances into shards. */
  static final class GenerateFn extends DoFn<KV<Integer, Iterable<TokenizedDocument>>, RunCounts> {
    private final String outputDir;
    private final InstanceOptions options;
    private final InstanceVocab vocab;
    private final int numShards;
    private final String runKey;
    private final Counter documentsCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_documents");
    private final Counter instancesCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_instances");

    GenerateFn(
        String outputDir, InstanceOptions options, InstanceVocab vocab, int numShards, String runKey) {
      this.outputDir = outputDir;
      this.options = options;
      this.vocab = vocab;
      this.numShards = numShards;
      this.runKey = runKey;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<TokenizedDocument>> corpus, OutputReceiver<RunCounts> out)
        throws IOException {
      List<int[][]> documents = inInputOrder(corpus.getValue());
      long sentences = 0;
      long tokens = 0;
      for (int[][] d : documents) {
        sentences += d.length;
        for (int[] s : d) {
          tokens += s.length;
        }
      }
      RunCounts counts = Counts.zero();
      counts.setDocuments((long) documents.size());
      counts.setSentences(sentences);
      counts.setTokens(tokens);
      documentsCounter.inc(documents.size());
      if (documents.isEmpty()) {
        out.output(counts);
        return;
      }
      int maxSeqLength = options.maxSeqLength();
      int maxPredictions = options.maxPredictionsPerSeq();
      long[] instanceTokens = new long[1];
      long[] masked = new long[1];
      long[] randomNext = new long[1];
      try (InstanceShardWriter writer = InstanceShardWriter.open(outputDir, numShards, runKey)) {
        new ReferenceGenerator(options, vocab).generate(
            documents,
            (TrainingInstance instance) -> {
              instanceTokens[0] += instance.length();
              masked[0] += instance.maskedCount();
              randomNext[0] += instance.isRandomNext() ? 1 : 0;
              try {
                writer.write(InstanceEncoder.toAvro(instance, maxSeqLength, maxPredictions));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
        writer.close();
        counts.setInstances(writer.written());
        List<Long> perShard = new ArrayList<>(numShards);
        for (long c : writer.countsPerShard()) {
          perShard.add(c);
        }
        counts.setShardInstances(perShard);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      counts.setInstanceTokens(instanceTokens[0]);
      counts.setMaskedPositions(masked[0]);
      counts.setRandomNext(randomNext[0]);
      instancesCounter.inc(counts.getInstances());
      out.output(counts);
    }
  }
}
