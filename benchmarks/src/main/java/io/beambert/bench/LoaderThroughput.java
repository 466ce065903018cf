package io.beambert.bench;

import io.beambert.text.Vocab;
import io.beambert.trainer.data.Batch;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.LoaderPosition;
import io.beambert.trainer.data.Masking;
import io.beambert.trainer.data.ShardSet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Throughput of the trainer's data loader alone: one loader thread reads, decodes, shuffles, masks
 * (with {@code --masking}) and lays out batches, and this thread takes them as fast as they come.
 * Prints instances per second of wall time, per CPU second of the loader thread (the figure per
 * core), and per CPU second of the whole process (garbage collection and compilation included),
 * over the batches after a warm-up.
 *
 * <pre>
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   io.beambert.bench.LoaderThroughput --input=SHARDS --vocab=VOCAB [--masking=dynamic]
 *   [--batchSize=32] [--batches=4000] [--warmup=500] [--bucketByLength=false]
 * </pre>
 */
public final class LoaderThroughput {
  private LoaderThroughput() {}

  public static void main(String[] args) throws Exception {
    ToolArgs opts = ToolArgs.parse(args);
    ShardSet shards = ShardSet.resolve(opts.single("input", null));
    Vocab vocab = Vocab.load(Path.of(opts.single("vocab", null)));
    Masking masking = Masking.parse(opts.single("masking", "dynamic"));
    int batchSize = Integer.parseInt(opts.single("batchSize", "32"));
    int batches = Integer.parseInt(opts.single("batches", "4000"));
    int warmup = Integer.parseInt(opts.single("warmup", "500"));
    boolean buckets = Boolean.parseBoolean(opts.single("bucketByLength", "false"));
    BatchLoader.Settings settings = new BatchLoader.Settings(42, batchSize, 10_000, 16, 1, masking,
        0.15, shards.predictions(), 1, 0, buckets);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (BatchLoader loader = BatchLoader.training(shards, settings, vocab, LoaderPosition.START)) {
      for (int i = 0; i < warmup; i++) {
        loader.next();
      }
      long loaderThread = loaderThreadId();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long processBefore = os.getProcessCpuTime();
      long cpuBefore = threads.getThreadCpuTime(loaderThread);
      long start = System.nanoTime();
      long instances = 0;
      long real = 0;
      long slots = 0;
      for (int i = 0; i < batches; i++) {
        Batch b = loader.next();
        instances += b.size();
        real += b.realTokens();
        slots += (long) b.size() * b.length();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (threads.getThreadCpuTime(loaderThread) - cpuBefore) / 1e9;
      double process = (os.getProcessCpuTime() - processBefore) / 1e9;
      System.out.printf(Locale.ROOT, "masking %s, batch %d, %,d instances of up to %d tokens:"
              + " %,.0f instances/s wall, %,.0f per loader-thread CPU second, %,.0f per process CPU"
              + " second (garbage collection and compilation included), padded fraction %.3f%n",
          masking.option(), batchSize, instances, shards.seqLength(), instances / seconds,
          instances / cpu, instances / process, 1 - (double) real / slots);
    }
  }

  private static long loaderThreadId() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("beambert-loader")) {
        return t.getId();
      }
    }
    throw new IllegalStateException("no loader thread");
  }
}
