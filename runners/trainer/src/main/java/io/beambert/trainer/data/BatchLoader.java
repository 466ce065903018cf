package io.beambert.trainer.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds batches from a background thread through a bounded queue, so reading, decoding and
 * batching overlap the model's compute.
 *
 * <p>For training ({@link #training}) the stream is shuffled, seeded and endless (epoch after
 * epoch, see {@link InstanceStream}); for evaluation ({@link #evaluation}) it reads the shards once
 * in path order, up to a limit. Memory holds the shuffle buffer and at most {@code prefetch}
 * batches. {@link #waitNanos()} is the time the caller spent waiting for data, the share of step
 * time the trainer reports. A failure in the loader thread (a damaged shard, say) is thrown by the
 * next {@link #next()}.
 */
public final class BatchLoader implements AutoCloseable {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private volatile boolean closed;
  private long waitNanos;
  private boolean ended;

  private BatchLoader(InstanceStream stream, int batchSize, long limit, int prefetch, String name) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
    }
    queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
    thread = new Thread(() -> produce(stream, batchSize, limit), name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * An endless, shuffled stream of training batches that starts at {@code start}.
   *
   * @param bufferSize instances in the shuffle buffer
   */
  public static BatchLoader training(ShardSet shards, long seed, int batchSize, int bufferSize,
      int prefetch, int vocabSize, LoaderPosition start) throws IOException {
    InstanceStream stream = new InstanceStream(shards, seed, true, bufferSize, vocabSize);
    stream.seek(start);
    return new BatchLoader(stream, batchSize, Long.MAX_VALUE, prefetch, "beambert-loader");
  }

  /** One pass over the shards in path order, at most {@code limit} instances. */
  public static BatchLoader evaluation(ShardSet shards, int batchSize, long limit, int vocabSize) {
    InstanceStream stream = new InstanceStream(shards, 0, false, 1, vocabSize);
    return new BatchLoader(stream, batchSize, limit, 2, "beambert-eval-loader");
  }

  private void produce(InstanceStream stream, int batchSize, long limit) {
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
          put(Batch.of(pending, stream.position()));
          pending = new ArrayList<>(batchSize);
        }
        if (instance == null) {
          put(END);
          return;
        }
      }
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
    if (ended) {
      return null;
    }
    long start = System.nanoTime();
    Object item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for data", e);
    } finally {
      waitNanos += System.nanoTime() - start;
    }
    if (item == END) {
      ended = true;
      return null;
    }
    if (item instanceof IOException e) {
      ended = true;
      throw e;
    }
    if (item instanceof RuntimeException e) {
      ended = true;
      throw new IOException("the data loader failed: " + e, e);
    }
    if (item instanceof Error e) {
      ended = true;
      throw e;
    }
    return (Batch) item;
  }

  /** Total time spent in {@link #next()} waiting for the loader thread. */
  public long waitNanos() {
    return waitNanos;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
