package io.beambert.trainer.data;

import io.beambert.random.KeyedRandom;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Feeds batches from background threads through a bounded queue, so reading, decoding, masking and
 * batching overlap the model's compute.
 *
 * <p>One thread reads the stream ({@link InstanceStream}: seeded epochs, shuffle buffer, this
 * rank's share) and cuts it into windows: one batch each, or, with length bucketing, {@value
 * #BUCKET_WINDOW} batches' worth of instances sorted by length, cut into batches, and fed in a
 * seeded random order, so that a batch holds instances of similar length and computes less padding.
 * Each batch's instances are then masked ({@link Remasker}) and laid out ({@link Batch}) on the
 * reading thread or, with {@code threads > 1}, on a pool, while the queue keeps the batches in
 * order. The batches depend only on the settings and the shards, never on the thread count.
 *
 * <p>For evaluation ({@link #evaluation}) the shards are read once in path order, up to a limit,
 * with their own masks. Memory holds the shuffle buffer, up to two windows (a window's batches
 * share its list) and at most {@code max(prefetch, threads)} batches. {@link #waitNanos()} is the time the caller spent waiting for data, the share of step
 * time the trainer reports. A failure in a loader thread (a damaged shard, say) is thrown by the
 * next {@link #next()}.
 */
public final class BatchLoader implements AutoCloseable {
  /** Batches per length-bucketing window. */
  public static final int BUCKET_WINDOW = 50;
  private static final Object END = new Object();

  /**
   * How a training stream is fed.
   *
   * @param bufferSize instances in the shuffle buffer
   * @param prefetch batches prepared ahead
   * @param threads threads that mask and lay out batches (1: the reading thread does it)
   * @param masking where the masks come from
   * @param maskedLmProb with masking other than static: fraction of tokens to mask
   * @param predictions masked slots per instance: the shards' own with static masking
   * @param worldSize ranks that share each epoch
   * @param rank this rank, below {@code worldSize}
   * @param bucketByLength whether batches group instances of similar length
   */
  public record Settings(long seed, int batchSize, int bufferSize, int prefetch, int threads,
      Masking masking, double maskedLmProb, int predictions, int worldSize, int rank,
      boolean bucketByLength) {}

  private final BlockingQueue<Object> queue;
  private final String name;
  private final ExecutorService pool;
  private Thread thread;
  private volatile boolean closed;
  private long waitNanos;
  private boolean ended;
  private IOException failed;

  private BatchLoader(int prefetch, int threads, String name) {
    this.name = name;
    // Each worker needs a place in the queue to work ahead on, or extra workers would sit idle.
    queue = new ArrayBlockingQueue<>(Math.max(Math.max(1, prefetch), threads));
    pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-worker");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  private BatchLoader start(Producer producer) {
    thread = new Thread(() -> run(producer), name);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @FunctionalInterface
  private interface Producer {
    void produce() throws Exception;
  }

  /**
   * An endless stream of training batches that starts at {@code start}.
   *
   * @param vocab the vocabulary, for masking anew
   */
  public static BatchLoader training(ShardSet shards, Settings s, Vocab vocab,
      LoaderPosition start) throws IOException {
    if (s.batchSize() < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + s.batchSize());
    }
    Remasker remasker =
        new Remasker(s.masking(), vocab, s.maskedLmProb(), s.predictions(), s.seed());
    InstanceStream stream = new InstanceStream(shards, s.seed(), true, s.bufferSize(), vocab.size(),
        s.worldSize(), s.rank());
    try {
      stream.seek(start);
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
    BatchLoader loader = new BatchLoader(s.prefetch(), s.threads(), "beambert-loader");
    return loader.start(() -> loader.produceTraining(stream, s, remasker, start.batchesIntoWindow()));
  }

  /** One pass over the shards in path order, at most {@code limit} instances, with their own masks. */
  public static BatchLoader evaluation(ShardSet shards, int batchSize, long limit, int vocabSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
    }
    InstanceStream stream = new InstanceStream(shards, 0, false, 1, vocabSize);
    BatchLoader loader = new BatchLoader(2, 1, "beambert-eval-loader");
    return loader.start(() -> loader.produceEvaluation(stream, batchSize, limit));
  }

  private void run(Producer producer) {
    try {
      producer.produce();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) { // an Error too: the consumer must not wait forever for a dead thread
      try {
        put(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void produceTraining(InstanceStream stream, Settings s, Remasker remasker,
      int skipBatches) throws Exception {
    try (stream) {
      int skip = skipBatches;
      while (!closed) {
        LoaderPosition windowStart = stream.position();
        int windowSize = s.batchSize() * (s.bucketByLength() ? BUCKET_WINDOW : 1);
        List<Instance> window = new ArrayList<>(windowSize);
        for (int i = 0; i < windowSize; i++) {
          window.add(stream.next()); // a training stream never ends
        }
        List<List<Instance>> batches = s.bucketByLength()
            ? bucketed(window, s.batchSize(), s.seed(), windowStart) : List.of(window);
        for (int k = skip; k < batches.size() && !closed; k++) {
          LoaderPosition end = k + 1 < batches.size()
              ? new LoaderPosition(windowStart.epoch(), windowStart.instancesIntoEpoch(), k + 1)
              : stream.position();
          List<Instance> members = batches.get(k);
          if (pool == null) {
            put(CompletableFuture.completedFuture(build(members, remasker, end)));
          } else {
            put(pool.submit(() -> build(members, remasker, end)));
          }
        }
        skip = 0;
      }
    }
  }

  /** A window's instances sorted by length, cut into batches, in a random order seeded by its place. */
  static List<List<Instance>> bucketed(List<Instance> window, int batchSize, long seed,
      LoaderPosition windowStart) {
    List<Instance> sorted = new ArrayList<>(window);
    sorted.sort(Comparator.comparingInt(Instance::length)); // stable: ties keep the stream's order
    List<List<Instance>> batches = new ArrayList<>();
    for (int from = 0; from < sorted.size(); from += batchSize) {
      batches.add(sorted.subList(from, Math.min(sorted.size(), from + batchSize)));
    }
    KeyedRandom.forKey(seed, "length-buckets@" + windowStart.instancesIntoEpoch(),
        windowStart.epoch(), 0).shuffle(batches);
    return batches;
  }

  private static Batch build(List<Instance> members, Remasker remasker, LoaderPosition end)
      throws ShardException {
    List<Instance> fed = new ArrayList<>(members.size());
    for (Instance x : members) {
      fed.add(remasker.apply(x));
    }
    return Batch.of(fed, end);
  }

  private void produceEvaluation(InstanceStream stream, int batchSize, long limit) throws Exception {
    try (stream) {
      long fed = 0;
      List<Instance> pending = new ArrayList<>(batchSize);
      while (!closed) {
        Instance instance = fed < limit ? stream.next() : null;
        if (instance != null) {
          pending.add(instance);
          fed++;
        }
        if (pending.size() == batchSize || (instance == null && !pending.isEmpty())) {
          put(CompletableFuture.completedFuture(Batch.of(pending, stream.position())));
          pending = new ArrayList<>(batchSize);
        }
        if (instance == null) {
          put(END);
          return;
        }
      }
    }
  }

  private void put(Object item) throws InterruptedException {
    while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
      // wait for room; the check of closed lets close() stop a full queue's producer
    }
  }

  /**
   * The next batch, or null once an evaluation pass is over.
   *
   * @throws IOException naming the shard when the loader failed
   */
  public Batch next() throws IOException {
    if (failed != null) {
      throw failed;
    }
    if (ended) {
      return null;
    }
    long start = System.nanoTime();
    try {
      Object item = queue.take();
      if (item == END) {
        ended = true;
        return null;
      }
      if (item instanceof Throwable t) {
        throw failure(t);
      }
      try {
        return (Batch) ((Future<?>) item).get();
      } catch (ExecutionException e) {
        throw failure(e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for data", e);
    } finally {
      waitNanos += System.nanoTime() - start;
    }
  }

  private IOException failure(Throwable t) {
    ended = true;
    if (t instanceof Error e) {
      throw e;
    }
    failed = t instanceof IOException e ? e : new IOException("the data loader failed: " + t, t);
    return failed;
  }

  /** Total time spent in {@link #next()} waiting for the loader threads. */
  public long waitNanos() {
    return waitNanos;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (pool != null) {
      pool.shutdownNow();
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
