package io.beambert.io;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.ReferenceGenerator;
import io.beambert.instances.TrainingInstance;
import io.beambert.instances.distributed.AvroInstanceEncoder;
import io.beambert.schemas.RunCounts;
import io.beambert.schemas.CorpusLine;
import io.beambert.schemas.TokenizedLine;
import io.beambert.text.SerializableTokenizer;
import io.beambert.text.PyStr;
import io.beambert.text.Vocab;
import io.beambert.transforms.ProgressCounters;
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
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reference mode: generates the pretraining instances of a whole corpus exactly like the
 * reference's {@code create_pretraining_data.py} and writes them round-robin into Avro shards.
 *
 * <p>Input: {@code PCollection<CorpusLine>} (from {@link ReadCorpus}, any order). Output: a {@code
 * PCollection<RunCounts>} with exactly one element, the run's counts, after the shards have been
 * written and committed by {@link CommitOutput}, the commit of the distributed mode too (empty
 * shards, renames, {@code _metadata.json} last). The instances are encoded with the distributed
 * mode's encoder and written with the same shard writer ({@link ShardOutput}).
 *
 * <p>Lines are tokenized in parallel. The reference's algorithm then draws from one sequential
 * random stream over the whole corpus, so the rest runs on one worker: the tokenized lines are
 * gathered on one key, put back into input order (file name, then line number) and read like the
 * reference reads its files as one stream of lines: a blank line (empty after Python's {@code
 * str.strip()}) ends a document, a line without tokens is skipped without ending one, and a
 * document runs on from one file into the next unless a blank line ends it. {@link
 * ReferenceGenerator} then emits the instances in their final order and they are streamed into the
 * shards.
 *
 * <p>Lines, not documents, are gathered on purpose: a line-wise step keeps the bundles of the
 * reader (a file each), whereas per-document elements would reach the single key in one bundle
 * each, which the DirectRunner's grouping handles in time quadratic in the number of bundles.
 *
 * <p>Memory bound on the generating worker: the token ids of the corpus as {@code int} arrays (4
 * bytes per word piece plus about 40 bytes per line) plus {@link ReferenceGenerator}'s compact
 * instance store (at most about 340 bytes per instance with the defaults and a 30,522-entry
 * vocabulary; about {@code 4 * dupeFactor * tokens / 110} instances), plus what the runner holds
 * of the grouped lines (the DirectRunner holds them all as objects; Flink streams them from its
 * sorted, disk-spilling group). The reference holds the corpus as Python lists of token strings
 * and every instance as Python objects until its final shuffle.
 *
 * <p>Deterministic: the same corpus, vocabulary and options give byte-identical shards. Metrics:
 * counters {@code reference_documents}, {@code reference_instances}.
 *
 * <pre>{@code
 * PCollection<RunCounts> counts =
 *     pipeline.apply(ReadCorpus.from("corpus/*.txt"))
 *         .apply(WriteReferenceShards.to(ShardOutput.to("out/"), vocab, options).withNumShards(4));
 * }</pre>
 */
public final class WriteReferenceShards
    extends PTransform<PCollection<CorpusLine>, PCollection<RunCounts>> {

  private final ShardOutput output;
  private final InstanceOptions options;
  private final Vocab vocab;
  private final int numShards;

  private WriteReferenceShards(
      ShardOutput output, InstanceOptions options, Vocab vocab, int numShards) {
    this.output = output;
    this.options = options;
    this.vocab = vocab;
    this.numShards = numShards;
  }

  /**
   * Writes into {@code output} (deflate-compressed, with reference mode's sync markers, unless
   * {@code output} says otherwise), tokenizing and masking with {@code vocab} (must hold [CLS],
   * [SEP], [MASK], [UNK]) and the options (casing included); one shard.
   */
  public static WriteReferenceShards to(ShardOutput output, Vocab vocab, InstanceOptions options) {
    InstanceVocab.from(vocab); // fails early, naming a missing special token
    return new WriteReferenceShards(output, options, vocab, 1);
  }

  /** Number of shards, at least 1; default 1. Instance k goes to shard k mod numShards. */
  public WriteReferenceShards withNumShards(int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("numShards must be at least 1, got " + numShards);
    }
    return new WriteReferenceShards(output, options, vocab, numShards);
  }

  @Override
  public PCollection<RunCounts> expand(PCollection<CorpusLine> lines) {
    return lines
        .apply("TokenizeLines", ParDo.of(new TokenizeLineFn(vocab, options.doLowerCase())))
        .setCoder(KvCoder.of(VarIntCoder.of(), AvroCoder.of(TokenizedLine.class)))
        .apply("GatherCorpus", GroupByKey.create())
        .apply(
            "GenerateAndWrite",
            ParDo.of(new GenerateFn(output, options, InstanceVocab.from(vocab), numShards)))
        .setCoder(AvroCoder.of(RunCounts.class))
        .apply("Commit", CommitOutput.to(output));
  }

  /** A tokenized line on its way back into input order. */
  private static final class Line {
    final String file;
    final long number;
    final boolean blank;
    final int[] ids;

    Line(TokenizedLine l) {
      this.file = l.getFile();
      this.number = l.getLine();
      this.blank = l.getBlank();
      this.ids = new int[l.getIds().size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = l.getIds().get(i);
      }
    }
  }

  /**
   * Puts lines into input order (file name, then line) and reads them like the reference reads
   * its files, as one stream; returns the non-empty documents in input order.
   */
  static List<int[][]> documents(Iterable<TokenizedLine> grouped, long[] empty) {
    List<Line> lines = new ArrayList<>();
    for (TokenizedLine l : grouped) {
      lines.add(new Line(l));
    }
    lines.sort(Comparator.<Line, String>comparing(l -> l.file).thenComparingLong(l -> l.number));
    List<int[][]> out = new ArrayList<>();
    List<int[]> current = new ArrayList<>();
    boolean open = false; // a document has non-blank lines so far
    for (Line l : lines) {
      if (l.blank) {
        flush(open, current, out, empty);
        current = new ArrayList<>();
        open = false;
      } else {
        open = true;
        if (l.ids.length > 0) {
          current.add(l.ids);
        }
      }
    }
    flush(open, current, out, empty);
    return out;
  }

  private static void flush(
      boolean open, List<int[]> sentences, List<int[][]> out, long[] empty) {
    if (!sentences.isEmpty()) {
      out.add(sentences.toArray(new int[0][]));
    } else if (open) {
      empty[0]++;
    }
  }

  /** Tokenizes one line (in parallel) and keys it for the gathering. */
  static final class TokenizeLineFn extends DoFn<CorpusLine, KV<Integer, TokenizedLine>> {
    private final SerializableTokenizer tokenizer;

    TokenizeLineFn(Vocab vocab, boolean doLowerCase) {
      this.tokenizer = new SerializableTokenizer(vocab, doLowerCase);
    }

    @ProcessElement
    public void process(@Element CorpusLine line, OutputReceiver<KV<Integer, TokenizedLine>> out) {
      boolean blank = PyStr.strip(line.getText()).isEmpty();
      List<Integer> ids = new ArrayList<>();
      if (!blank) {
        for (int id : tokenizer.get().tokenizeToIds(line.getText())) {
          ids.add(id);
        }
      }
      out.output(KV.of(0, new TokenizedLine(line.getFile(), line.getLine(), blank, ids)));
    }
  }

  /** Runs the reference algorithm over the gathered corpus and streams instances into shards. */
  static final class GenerateFn extends DoFn<KV<Integer, Iterable<TokenizedLine>>, RunCounts> {
    private final ShardOutput output;
    private final InstanceOptions options;
    private final InstanceVocab vocab;
    private final int numShards;
    private final Counter documentsCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_documents");
    private final Counter instancesCounter =
        Metrics.counter(WriteReferenceShards.class, "reference_instances");

    GenerateFn(ShardOutput output, InstanceOptions options, InstanceVocab vocab, int numShards) {
      this.output = output;
      this.options = options;
      this.vocab = vocab;
      this.numShards = numShards;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<TokenizedLine>> corpus, OutputReceiver<RunCounts> out)
        throws IOException {
      long[] empty = {0};
      List<int[][]> documents = documents(corpus.getValue(), empty);
      long sentences = 0;
      long tokens = 0;
      for (int[][] d : documents) {
        sentences += d.length;
        for (int[] s : d) {
          tokens += s.length;
        }
      }
      RunCounts counts = Counts.zero();
      counts.setDocumentsRead(documents.size() + empty[0]);
      counts.setDocumentsUsed((long) documents.size());
      counts.setDocumentsEmpty(empty[0]);
      counts.setSentences(sentences);
      counts.setTokens(tokens);
      documentsCounter.inc(documents.size());
      ProgressCounters.addDocuments(documents.size());
      if (documents.isEmpty()) {
        out.output(counts);
        return;
      }
      AvroInstanceEncoder encoder =
          new AvroInstanceEncoder(options.maxSeqLength(), options.maxPredictionsPerSeq());
      long[] totals = new long[3]; // instance tokens, masked positions, random nexts
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
      instancesCounter.inc(counts.getInstances());
      out.output(counts);
    }
  }
}
