package io.beambert.transforms;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.io.ShardOutput;
import io.beambert.text.Vocab;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The streaming mode of {@code beambert pretraining-data}: a live feed of texts in, one folder of
 * shards per window pane out. The same named transforms as {@link PretrainingData}, with windows.
 *
 * <p>Input: texts in the corpus format (one sentence per line; a blank line between documents), each
 * usually one document (a Kafka message, a new file), with event timestamps. Steps: {@code
 * ToDocuments} (split, key by content id; a text with no sentence is dropped), {@code Window}
 * (fixed windows of {@link #withWindow}; a pane fires when the watermark passes the window's end,
 * if it holds documents, and early once it holds {@link #withWindowDocuments} documents), {@link GroupIntoPools} (one pool
 * per pane), {@link Tokenize} … {@link Mask}, {@link WriteWindows}.
 *
 * <p>A pane's output depends only on its documents and the options: the pool's documents are
 * sorted by content id and every draw comes from per-document streams, so a retried pane rewrites
 * the same bytes, and the pane's shard is the shard that batch mode writes for the same documents
 * with {@code --numShards=1}.
 *
 * <p>Late data: a document behind the watermark but within {@link #withAllowedLateness} of its
 * window's end gets a pane of its own (timing {@code LATE}), written like any other; one later than
 * that is dropped by Beam before the grouping (the DirectRunner reports no counter for it).
 *
 * <pre>{@code
 * texts.apply(PretrainingDataStream.of(vocab, options)
 *     .withWindow(Duration.standardSeconds(60))
 *     .to(ShardOutput.to("/data/stream")));
 * }</pre>
 */
public final class PretrainingDataStream extends PTransform<PCollection<String>, PCollection<String>> {
  private final Vocab vocab;
  private final InstanceOptions options;
  private final Duration window;
  private final int windowDocuments;
  private final Duration allowedLateness;
  private final ShardOutput output;

  private PretrainingDataStream(
      Vocab vocab, InstanceOptions options, Duration window, int windowDocuments,
      Duration allowedLateness, ShardOutput output) {
    this.vocab = vocab;
    this.options = options;
    this.window = window;
    this.windowDocuments = windowDocuments;
    this.allowedLateness = allowedLateness;
    this.output = output;
  }

  /**
   * Windows of 60 s, an early pane per {@code nspPoolSize} documents, late data within 10 minutes
   * in panes of its own.
   */
  public static PretrainingDataStream of(Vocab vocab, InstanceOptions options) {
    InstanceVocab.from(vocab); // fails early, naming a missing special token
    return new PretrainingDataStream(
        vocab, options, Duration.standardSeconds(60), options.nspPoolSize(),
        Duration.standardMinutes(10), null);
  }

  /** The length of the fixed windows (positive). */
  public PretrainingDataStream withWindow(Duration window) {
    if (window == null || window.getMillis() <= 0) {
      throw new IllegalArgumentException("the window must be positive, got " + window);
    }
    return new PretrainingDataStream(
        vocab, options, window, windowDocuments, allowedLateness, output);
  }

  /** An early pane (a pool, a folder) as soon as a window holds this many documents (>= 1). */
  public PretrainingDataStream withWindowDocuments(int documents) {
    if (documents < 1) {
      throw new IllegalArgumentException("window documents must be >= 1, got " + documents);
    }
    return new PretrainingDataStream(vocab, options, window, documents, allowedLateness, output);
  }

  /** How long after a window's end a late document still gets a pane (>= 0). */
  public PretrainingDataStream withAllowedLateness(Duration lateness) {
    if (lateness == null || lateness.getMillis() < 0) {
      throw new IllegalArgumentException("allowed lateness must be >= 0, got " + lateness);
    }
    return new PretrainingDataStream(vocab, options, window, windowDocuments, lateness, output);
  }

  /** Where the panes' folders go (a local or mounted folder); required. */
  public PretrainingDataStream to(ShardOutput output) {
    return new PretrainingDataStream(
        vocab, options, window, windowDocuments, allowedLateness, output);
  }

  @Override
  public PCollection<String> expand(PCollection<String> texts) {
    if (output == null) {
      throw new IllegalArgumentException("PretrainingDataStream needs to(ShardOutput)");
    }
    Pools pools =
        texts
            .apply("ToDocuments", ParDo.of(new ToDocumentsFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentSource.coder()))
            .apply(
                "Window",
                Window.<KV<String, DocumentSource>>into(FixedWindows.of(window))
                    .triggering(
                        AfterWatermark.pastEndOfWindow()
                            .withEarlyFirings(AfterPane.elementCountAtLeast(windowDocuments))
                            .withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(allowedLateness)
                    // After an early pane, the window's end would otherwise fire an empty one.
                    .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
                    .discardingFiredPanes())
            .apply("GroupIntoPools", GroupIntoPools.with(options).withNumPools(1));
    return PretrainingData.instances(pools, vocab, options)
        .apply("WriteWindows", WriteWindows.to(output));
  }

  /** Splits a text into its documents, keyed by content id, carried with their texts. */
  static final class ToDocumentsFn extends DoFn<String, KV<String, DocumentSource>> {
    private final Counter read = Metrics.counter(PretrainingData.METRICS, "documents_read");
    private final Counter blank = Metrics.counter(PretrainingData.METRICS, "texts_without_sentences");

    @ProcessElement
    public void process(@Element String text, OutputReceiver<KV<String, DocumentSource>> out) {
      var documents = ReadDocuments.documentsOf(text);
      if (documents.isEmpty()) {
        blank.inc();
      }
      for (KV<String, DocumentSource> d : documents) {
        out.output(d);
        read.inc();
      }
    }
  }
}
