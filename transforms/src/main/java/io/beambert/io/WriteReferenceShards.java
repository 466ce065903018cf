package io.beambert.io;

import io.beambert.instances.CorpusReader;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.instances.distributed.AvroInstanceEncoder;
import io.beambert.schemas.RunCounts;
import io.beambert.text.SerializableTokenizer;
import io.beambert.text.Vocab;
import io.beambert.transforms.ProgressCounters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Reference mode: generates the pretraining instances of a whole corpus exactly like the
 * reference's {@code create_pretraining_data.py} and writes them round-robin into Avro shards.
 *
 * <p>Input: the corpus files matching a pattern. Output: a {@code PCollection<RunCounts>} with
 * exactly one element, the run's counts, after the shards have been written (with the shard writer
 * of {@link ShardOutput}, each instance encoded by the distributed mode's encoder) and committed
 * by {@link CommitOutput}, the commit of the distributed mode too.
 *
 * <p>Why one fused generator and not the distributed mode's step transforms: the reference draws
 * every random number from ONE sequential stream over the whole corpus (the shuffle of documents,
 * then per document and pass the packing, pairing, truncation and masking draws interleaved
 * chunk by chunk, then the shuffle of all instances), so no step can run before the previous
 * one's draws are known. The building blocks are the same ({@link CorpusReader} over {@link
 * io.beambert.text.DocumentSplitter}, the splitter of {@code ReadDocuments}; {@link
 * ReferenceGenerator} over the packing, pairing, truncation and masking classes the per-pool steps
 * use), only their order of draws differs.
 *
 * <p>On one worker, the files are read in the order of their names, as one stream of lines (a
 * document runs on from one file into the next unless a blank line ends it, like the reference),
 * tokenized, and generated; instances are streamed into the shards in their final order.
 *
 * <p>Memory bound on the generating worker: the token ids of the corpus as {@code int} arrays (4
 * bytes per word piece plus about 40 bytes per sentence) plus {@link ReferenceGenerator}'s compact
 * instance store (at most about 340 bytes per instance with the defaults and a 30,522-entry
 * vocabulary; about {@code 4 * dupeFactor * tokens / 110} instances). The reference holds the
 * corpus as Python lists of token strings and every instance as Python objects until its final
 * shuffle.
 *
 * <p>Deterministic: the same corpus, vocabulary and options give byte-identical shards. Metrics:
 * counters {@code reference_documents}, {@code reference_instances}.
 *
 * <pre>{@code
 * PCollection<RunCounts> counts =
 *     pipeline.apply(
 *         WriteReferenceShards.from("corpus/*.txt", ShardOutput.to("out/"), vocab, options)
 *             .withNumShards(4));
 * }</pre>
 */
public final class WriteReferenceShards extends PTransform<PBegin, PCollection<RunCounts>> {

  private final String filepattern;
  private final ShardOutput output;
  private final InstanceOptions options;
  private final Vocab vocab;
  private final int numShards;

  private WriteReferenceShards(
      String filepattern, ShardOutput output, InstanceOptions options, Vocab vocab, int numShards) {
    this.filepattern = filepattern;
    this.output = output;
    this.options = options;
    this.vocab = vocab;
    this.numShards = numShards;
  }

  /**
   * Reads the files matching {@code filepattern} (any Beam file system; compressed files by their
   * extension), writes into {@code output}, tokenizing and masking with {@code vocab} (must hold
   * [CLS], [SEP], [MASK], [UNK]) and the options (casing included); one shard.
   */
  public static WriteReferenceShards from(
      String filepattern, ShardOutput output, Vocab vocab, InstanceOptions options) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("filepattern must be non-empty");
    }
    InstanceVocab.from(vocab); // fails early, naming a missing special token
    return new WriteReferenceShards(filepattern, output, options, vocab, 1);
  }

  /** Number of shards, at least 1; default 1. Instance k goes to shard k mod numShards. */
  public WriteReferenceShards withNumShards(int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    return new WriteReferenceShards(filepattern, output, options, vocab, numShards);
  }

  @Override
  public PCollection<RunCounts> expand(PBegin begin) {
    return begin
        .apply("MatchFiles", FileIO.match().filepattern(filepattern))
        .apply(
            "FileNames",
            MapElements.into(TypeDescriptors.strings())
                .via((MatchResult.Metadata m) -> m.resourceId().toString()))
        .apply("OnOneWorker", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("GatherFileNames", GroupByKey.create())
        .apply(
            "ReadGenerateAndWrite",
            ParDo.of(new GenerateFn(output, options, vocab, numShards)))
        .setCoder(AvroCoder.of(RunCounts.class))
        .apply("Commit", CommitOutput.to(output));
  }

  /** Reads the files in name order, runs the reference algorithm and streams instances into shards. */
  static final class GenerateFn extends DoFn<KV<Integer, Iterable<String>>, RunCounts> {
    private final ShardOutput output;
    private final InstanceOptions options;
    private final SerializableTokenizer tokenizer;
    private final InstanceVocab vocab;
    private final int numShards;
    private final Counter documentsCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_documents");
    private final Counter instancesCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_instances");

    GenerateFn(ShardOutput output, InstanceOptions options, Vocab vocab, int numShards) {
      this.output = output;
      this.options = options;
      this.tokenizer = new SerializableTokenizer(vocab, options.doLowerCase());
      this.vocab = InstanceVocab.from(vocab);
      this.numShards = numShards;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<String>> files, OutputReceiver<RunCounts> out)
        throws IOException {
      List<String> names = new ArrayList<>();
      files.getValue().forEach(names::add);
      Collections.sort(names);
      CorpusReader reader = new CorpusReader(tokenizer.get()::tokenizeToIds);
      for (String name : names) {
        ResourceId file = FileSystems.matchNewResource(name, false);
        try (ReadableByteChannel channel = FileSystems.open(file);
            InputStream in = InputFileStream.decompressed(name, Compression.detect(name), channel)) {
          reader.readStream(in);
        }
      }
      reader.endDocument();
      List<int[][]> documents = reader.documents();
      RunCounts counts = Counts.zero();
      counts.setDocumentsRead(documents.size() + reader.emptyDocuments());
      counts.setInvalidUtf8Bytes(reader.droppedBytes());
      counts.setDocumentsUsed((long) documents.size());
      counts.setDocumentsEmpty(reader.emptyDocuments());
      long sentences = 0;
      for (int[][] d : documents) {
        sentences += d.length;
      }
      counts.setSentences(sentences);
      counts.setTokens(reader.tokens());
      documentsCounter.inc(documents.size());
      ProgressCounters.addDocuments(documents.size());
      if (documents.isEmpty()) {
        counts.setShardInstances(new ArrayList<>(Collections.nCopies(numShards, 0L)));
        out.output(counts);
        return;
      }
      AvroInstanceEncoder encoder =
          new AvroInstanceEncoder(options.maxSeqLength(), options.maxPredictionsPerSeq());
      long[] totals = new long[4]; // instance tokens, masked positions, random nexts, written
      try (InstanceShardWriter writer = output.openAll(numShards)) {
        new ReferenceGenerator(options, vocab).generate(
            documents,
            (TrainingInstance instance) -> {
              totals[0] += instance.length();
              totals[1] += instance.maskedCount();
              totals[2] += instance.isRandomNext() ? 1 : 0;
              try {
                writer.writeEncoded(encoder.buffer(), 0, encoder.encode(instance));
                ProgressCounters.addInstances(1);
                if ((++totals[3] & 4095) == 0) {
                  instancesCounter.inc(4096); // live on a cluster's metrics, not only at the end
                }
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
      counts.setInstanceTokens(totals[0]);
      counts.setMaskedPositions(totals[1]);
      counts.setRandomNext(totals[2]);
      instancesCounter.inc(totals[3] & 4095);
      out.output(counts);
    }
  }
}
