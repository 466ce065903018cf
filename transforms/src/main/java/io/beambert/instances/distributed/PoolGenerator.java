package io.beambert.instances.distributed;

import io.beambert.instances.InstanceMaker;
import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceStore;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.MaskedLm;
import io.beambert.instances.NextSentencePairer;
import io.beambert.instances.PartnerDocuments;
import io.beambert.instances.TrainingInstance;
import io.beambert.random.KeyedRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Generates the instances of one pool of documents for the distributed mode: every document and
 * pass on its own random stream, random-next partners drawn from the pool, and the pool's
 * instances emitted in a seeded shuffled order.
 *
 * <p>For document {@code d} (id {@code id}) and pass {@code p}, the stream is {@code
 * KeyedRandom.forKey(randomSeed, id, p, STEP_INSTANCES)} (a fast generator with the same kinds of
 * draws as Python's, not the same values); it drives the reference's own packing, pairing,
 * truncation and masking ({@link InstanceMaker}), with two differences in how, not what, it draws:
 * C3 (the random document) is {@code randint(0, poolSize - 1)} over the pool (sorted by id), with
 * the reference's ten retries to avoid the document itself, and M1 of the masking is the lazy
 * shuffle of {@link MaskedLm#MaskedLm(InstanceOptions, InstanceVocab, boolean)} (same
 * distribution, fewer draws). A one-document pool pairs the document with itself, as the reference
 * does on a one-document corpus. No draw depends on the order in
 * which documents arrive, on bundling, on worker count or on retries; the pool's content (sorted by
 * id) decides everything.
 *
 * <p>The pool's instances are kept in an {@link InstanceStore} (about 330 bytes each with the
 * defaults) and emitted in the order of a permutation shuffled with {@code
 * KeyedRandom.forKey(randomSeed, "pool " + poolKey, 0, STEP_SHUFFLE)}, so a document's instances
 * are not contiguous in the output. A document whose generation throws is reported to {@code
 * failures} and contributes no instance; the others go on.
 *
 * <p>Immutable; one call's state lives in the call.
 *
 * <pre>{@code
 * PoolGenerator g = new PoolGenerator(InstanceOptions.defaults(), vocab);
 * g.generate(sortedIds, documents, "3-of-8", instance -> writer.write(instance), failures::add);
 * }</pre>
 */
public final class PoolGenerator {
  /** Stream step of instance generation. */
  public static final int STEP_INSTANCES = 0;

  /** Stream step of the pool's output shuffle. */
  public static final int STEP_SHUFFLE = 1;

  private final InstanceOptions options;
  private final InstanceVocab vocab;
  private final InstanceMaker maker;

  /** A generator for these options and vocabulary. */
  public PoolGenerator(InstanceOptions options, InstanceVocab vocab) {
    this.options = options;
    this.vocab = vocab;
    this.maker = new InstanceMaker(options, new MaskedLm(options, vocab, true));
  }

  /** A document whose instances could not be generated. */
  public static final class Failure {
    private final int index;
    private final RuntimeException cause;

    Failure(int index, RuntimeException cause) {
      this.index = index;
      this.cause = cause;
    }

    /** Index of the document in the pool. */
    public int index() {
      return index;
    }

    /** What went wrong. */
    public RuntimeException cause() {
      return cause;
    }
  }

  /**
   * Generates all passes of all documents of the pool and emits the instances in the pool's
   * shuffled order.
   *
   * @param ids document ids in ascending order (equal ids allowed: identical documents)
   * @param documents the documents in the same order: non-empty sentences of ids, at least one
   * @param poolKey names the pool (e.g. {@code "3-of-8"}); seeds the output shuffle
   * @param sink receives the instances
   * @param failures receives documents whose generation threw
   * @return the number of instances emitted
   * @throws IllegalArgumentException when ids are not ascending or a document is empty
   */
  public int generate(
      List<String> ids,
      List<int[][]> documents,
      String poolKey,
      Consumer<TrainingInstance> sink,
      Consumer<Failure> failures) {
    check(ids, documents);
    InstanceStore store = new InstanceStore(vocab.size(), options.maxSeqLength());
    List<TrainingInstance> pending = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      pending.clear();
      try {
        createInstances(ids, documents, d, pending::add);
      } catch (RuntimeException e) {
        failures.accept(new Failure(d, e));
        continue;
      }
      for (TrainingInstance instance : pending) {
        store.add(instance);
      }
    }
    int[] order = outputOrder(store.size(), poolKey);
    for (int index : order) {
      sink.accept(store.get(index));
    }
    return order.length;
  }

  /** Every pass of document {@code d} of the pool, each on its own stream, to {@code out}. */
  private void createInstances(
      List<String> ids, List<int[][]> documents, int d, Consumer<TrainingInstance> out) {
    PartnerDocuments partners =
        rng -> documents.get(NextSentencePairer.drawPartnerIndex(rng, documents.size(), d));
    for (int pass = 0; pass < options.dupeFactor(); pass++) {
      KeyedRandom rng = KeyedRandom.forKey(options.randomSeed(), ids.get(d), pass, STEP_INSTANCES);
      maker.createInstances(documents.get(d), partners, rng, out);
    }
  }

  /** The order the pool's {@code size} instances are emitted in: a seeded shuffle. */
  private int[] outputOrder(int size, String poolKey) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    KeyedRandom.forKey(options.randomSeed(), "pool " + poolKey, 0, STEP_SHUFFLE).shuffle(order);
    return order;
  }

  /** Receives encoded instances: {@code length} bytes of {@code buffer} from {@code offset}. */
  @FunctionalInterface
  public interface EncodedSink {
    /** Accepts one record; the bytes are only valid during the call. */
    void accept(byte[] buffer, int offset, int length);
  }

  /** What {@link #generateEncoded} wrote: instances, and their tokens, masked positions, random nexts. */
  public record Totals(long instances, long instanceTokens, long maskedPositions, long randomNext) {}

  /**
   * Like {@link #generate}, but each instance is encoded (as an Avro datum) as soon as it is made
   * and the pool is kept as encoded bytes (about 700 bytes an instance with the defaults, twice
   * {@link InstanceStore}'s size, but nothing is decoded again). Same instances, same order.
   * Returns the totals of the instances handed to {@code sink} (a failed document's are left out).
   */
  public Totals generateEncoded(
      List<String> ids,
      List<int[][]> documents,
      String poolKey,
      AvroInstanceEncoder encoder,
      EncodedSink sink,
      Consumer<Failure> failures) {
    check(ids, documents);
    EncodedStore store = new EncodedStore();
    long instanceTokens = 0;
    long maskedPositions = 0;
    long randomNext = 0;
    long[] document = new long[3]; // the current document's tokens, masked positions, random nexts
    for (int d = 0; d < documents.size(); d++) {
      int mark = store.size();
      Arrays.fill(document, 0);
      try {
        createInstances(
            ids,
            documents,
            d,
            instance -> {
              store.add(encoder.buffer(), encoder.encode(instance));
              document[0] += instance.length();
              document[1] += instance.maskedCount();
              document[2] += instance.isRandomNext() ? 1 : 0;
            });
        instanceTokens += document[0];
        maskedPositions += document[1];
        randomNext += document[2];
      } catch (RuntimeException e) {
        store.truncate(mark);
        failures.accept(new Failure(d, e));
      }
    }
    int[] order = outputOrder(store.size(), poolKey);
    for (int index : order) {
      sink.accept(store.block(index), store.offset(index), store.length(index));
    }
    return new Totals(order.length, instanceTokens, maskedPositions, randomNext);
  }

  private static void check(List<String> ids, List<int[][]> documents) {
    if (ids.size() != documents.size()) {
      throw new IllegalArgumentException(
          ids.size() + " ids but " + documents.size() + " documents");
    }
    for (int d = 0; d < ids.size(); d++) {
      if (d > 0 && ids.get(d - 1).compareTo(ids.get(d)) > 0) {
        throw new IllegalArgumentException(
            "ids must be ascending: " + ids.get(d - 1) + " before " + ids.get(d));
      }
      int[][] doc = documents.get(d);
      if (doc.length == 0) {
        throw new IllegalArgumentException("document " + ids.get(d) + " has no sentences");
      }
      for (int[] sentence : doc) {
        if (sentence.length == 0) {
          throw new IllegalArgumentException("document " + ids.get(d) + " has an empty sentence");
        }
      }
    }
  }
}
