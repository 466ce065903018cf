package io.beambert.trainer.data;

import io.beambert.random.KeyedRandom;
import io.beambert.random.RandomSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of a shard set, epoch after epoch, in a seeded order read as a stream.
 *
 * <p>Each epoch reads the shards in an order shuffled by (seed, epoch) and passes the instances
 * through a shuffle buffer of {@code bufferSize} instances, itself driven by (seed, epoch): once the
 * buffer is full, each instance read replaces a randomly chosen one, which is fed; at the end of the
 * epoch the rest of the buffer is fed in random order. Every instance is fed exactly once per
 * epoch, memory holds at most {@code bufferSize} instances whatever the data size, and the order
 * depends only on the seed, the epoch and the shards' contents. Without shuffling the stream reads
 * the shards in path order, once.
 *
 * <p>With {@code worldSize} ranks, rank {@code r} is fed the instances at positions {@code r, r + N,
 * r + 2N, ...} of each epoch's order: the ranks see disjoint parts of every epoch and together all
 * of it. Every instance's ids are checked against the vocabulary as it is read, and it is stamped
 * with the epoch that feeds it. Not thread-safe: one loader thread owns a stream.
 */
final class InstanceStream implements AutoCloseable {
  private final ShardSet shards;
  private final long seed;
  private final boolean shuffle;
  private final int bufferSize;
  private final int vocabSize;
  private final int worldSize;
  private final int rank;

  private int epoch;
  private long fedInEpoch;
  private List<ShardSet.Shard> order;
  private int nextShard;
  private ShardReader reader;
  private RandomSource random;
  private final List<Instance> buffer = new ArrayList<>();
  private int drained = -1;

  InstanceStream(ShardSet shards, long seed, boolean shuffle, int bufferSize, int vocabSize) {
    this(shards, seed, shuffle, bufferSize, vocabSize, 1, 0);
  }

  InstanceStream(ShardSet shards, long seed, boolean shuffle, int bufferSize, int vocabSize,
      int worldSize, int rank) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " of a world of " + worldSize);
    }
    this.worldSize = worldSize;
    this.rank = rank;
    if (bufferSize < 1) {
      throw new IllegalArgumentException("the shuffle buffer must hold at least 1 instance, got " + bufferSize);
    }
    this.shards = shards;
    this.seed = seed;
    this.shuffle = shuffle;
    this.bufferSize = bufferSize;
    this.vocabSize = vocabSize;
    startEpoch(0);
  }

  /**
   * Moves to the start of the window at {@code position} by replaying the stream from the start of
   * its epoch.
   */
  void seek(LoaderPosition position) throws IOException {
    startEpoch(position.epoch());
    while (fedInEpoch < position.instancesIntoEpoch()) {
      if (nextOfAll() == null) {
        throw new IOException("cannot resume at instance " + position.instancesIntoEpoch()
            + " of epoch " + position.epoch() + ": the shards hold only " + fedInEpoch);
      }
    }
  }

  /** The position of the next instance to be fed, as the start of a window. */
  LoaderPosition position() {
    return new LoaderPosition(epoch, fedInEpoch);
  }

  /**
   * This rank's next instance; across epochs when shuffling, or null after the single pass
   * otherwise.
   *
   * @throws IOException naming the shard that fails
   */
  Instance next() throws IOException {
    int startedIn = epoch;
    while (true) {
      Instance instance = nextOfAll();
      if (instance == null || (fedInEpoch - 1) % worldSize == rank) {
        return instance; // its place in the epoch's order is fedInEpoch - 1
      }
      if (epoch > startedIn + 1) {
        throw new IOException("rank " + rank + " of " + worldSize + " gets no instance: the shards "
            + shards.input() + " hold fewer instances than there are ranks");
      }
    }
  }

  /** The next instance of all ranks. */
  private Instance nextOfAll() throws IOException {
    while (true) {
      if (drained < 0) {
        Instance in = read();
        if (in != null) {
          if (!shuffle) {
            return fed(in);
          }
          if (buffer.size() < bufferSize) {
            buffer.add(in);
            continue;
          }
          int j = random.randint(0, bufferSize - 1);
          Instance out = buffer.get(j);
          buffer.set(j, in);
          return fed(out);
        }
        if (shuffle) {
          random.shuffle(buffer);
        }
        drained = 0;
      }
      if (drained < buffer.size()) {
        return fed(buffer.get(drained++));
      }
      if (fedInEpoch == 0) {
        throw new IOException("the shards " + shards.input() + " hold no instance");
      }
      if (!shuffle) {
        return null;
      }
      startEpoch(epoch + 1);
    }
  }

  private Instance fed(Instance instance) {
    fedInEpoch++;
    instance.epoch = epoch;
    return instance;
  }

  private Instance read() throws IOException {
    while (true) {
      if (reader == null) {
        if (nextShard == order.size()) {
          return null;
        }
        reader = ShardReader.open(order.get(nextShard++), shards.seqLength(), shards.predictions());
      }
      Instance instance = reader.next();
      if (instance != null) {
        validate(instance, vocabSize, reader.path(), reader.read());
        return instance;
      }
      reader.close();
      reader = null;
    }
  }

  private void startEpoch(int e) {
    closeReader();
    epoch = e;
    fedInEpoch = 0;
    nextShard = 0;
    buffer.clear();
    drained = -1;
    order = new ArrayList<>(shards.shards());
    if (shuffle) {
      KeyedRandom.forKey(seed, "shard-order", e, 0).shuffle(order);
      random = KeyedRandom.forKey(seed, "shuffle-buffer", e, 0);
    }
  }

  /**
   * Checks that an instance's ids index the vocabulary, its segment ids, mask and next-sentence
   * label are 0 or 1, and its masked positions lie within its tokens, so that a damaged or foreign
   * shard fails with its name instead of inside the model.
   */
  static void validate(Instance instance, int vocabSize, Path shard, long record)
      throws ShardException {
    for (int[] bits : new int[][] {instance.segmentIds, instance.inputMask}) {
      for (int bit : bits) {
        if (bit != 0 && bit != 1) {
          throw new ShardException(shard, "record " + record + " has a segment id or mask value "
              + bit + " (only 0 and 1 are valid)");
        }
      }
    }
    if (instance.nextSentenceLabel != 0 && instance.nextSentenceLabel != 1) {
      throw new ShardException(shard, "record " + record + " has next_sentence_labels "
          + instance.nextSentenceLabel + " (only 0 and 1 are valid)");
    }
    int length = instance.length();
    for (int position : instance.maskedPositions) {
      if (position < 0 || position >= Math.max(length, 1)) {
        throw new ShardException(shard, "record " + record + " has masked position " + position
            + " outside its " + length + " tokens");
      }
    }
    for (int[] ids : new int[][] {instance.inputIds, instance.maskedIds}) {
      for (int id : ids) {
        if (id < 0 || id >= vocabSize) {
          throw new ShardException(shard, "record " + record + " holds token id " + id
              + ", outside the vocabulary of " + vocabSize + " entries (were the shards made with"
              + " another vocabulary?)");
        }
      }
    }
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        // A reader opened only for reading has nothing to lose on close.
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    closeReader();
  }
}
