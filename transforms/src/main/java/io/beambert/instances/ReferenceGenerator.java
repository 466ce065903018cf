package io.beambert.instances;

import io.beambert.random.PythonRandom;
import io.beambert.random.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reference's {@code create_training_instances} after reading: bit-exact instances, in the
 * reference's final order, from tokenized documents, on ONE sequential {@link RandomSource} (a
 * {@link PythonRandom} seeded with {@code randomSeed} by default).
 *
 * <p>Order of draws: S1 {@code shuffle} of the documents; then {@code dupeFactor} passes over the
 * shuffled list (same order each pass), each document through {@link InstanceMaker} with partners
 * drawn over the whole list ({@link NextSentencePairer#referencePartners}); finally S2 {@code
 * shuffle} of all instances. S2 needs the total count, so every instance is kept until the end, in
 * an {@link InstanceStore} (at most 329 bytes per instance with the defaults, see there), and
 * S2 shuffles an {@code int[]} permutation (4 bytes per instance) instead of the instances. The
 * instances are then decoded one at a time, in final order, into the sink.
 *
 * <p>Input: documents as sentences of ids. Documents without sentences and sentences without
 * tokens are removed first, as the reference's reader never produces them. The input list is not
 * modified. Not thread-safe per call; the object is immutable.
 *
 * <pre>{@code
 * ReferenceGenerator generator = new ReferenceGenerator(InstanceOptions.defaults(), vocab);
 * long count = generator.generate(documents, instance -> writer.write(instance));
 * }</pre>
 */
public final class ReferenceGenerator {
  private final InstanceOptions options;
  private final InstanceVocab vocab;
  private final InstanceMaker maker;

  /** Creates a generator; options and vocabulary are already validated by their builders. */
  public ReferenceGenerator(InstanceOptions options, InstanceVocab vocab) {
    this.options = options;
    this.vocab = vocab;
    this.maker = new InstanceMaker(options, vocab);
  }

  /**
   * Generates with {@code new PythonRandom(options.randomSeed())} and emits in final order.
   *
   * @return the number of instances emitted
   */
  public long generate(List<int[][]> documents, Consumer<TrainingInstance> sink) {
    return generate(documents, new PythonRandom(options.randomSeed()), sink);
  }

  /** Generates on the given stream and emits in final order; returns the instance count. */
  public long generate(
      List<int[][]> documents, RandomSource rng, Consumer<TrainingInstance> sink) {
    InstanceStore store = generateUnshuffled(documents, rng);
    int[] order = new int[store.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    rng.shuffle(order); // S2: the permutation the reference applies to its instance list
    for (int index : order) {
      sink.accept(store.get(index));
    }
    return order.length;
  }

  /** All instances in final order, as a list (for tests and small corpora). */
  public List<TrainingInstance> generateAll(List<int[][]> documents) {
    List<TrainingInstance> out = new ArrayList<>();
    generate(documents, out::add);
    return out;
  }

  /**
   * Runs S1 and every pass, and returns the instances in creation order (before S2). The next draw
   * of {@code rng} is S2.
   */
  public InstanceStore generateUnshuffled(List<int[][]> documents, RandomSource rng) {
    List<int[][]> docs = nonEmpty(documents);
    rng.shuffle(docs); // S1
    InstanceStore store = new InstanceStore(vocab.size(), options.maxSeqLength());
    for (int pass = 0; pass < options.dupeFactor(); pass++) {
      for (int d = 0; d < docs.size(); d++) {
        maker.createInstances(
            docs.get(d), NextSentencePairer.referencePartners(docs, d), rng, store::add);
      }
    }
    return store;
  }

  /** Copies the documents, dropping empty sentences and then empty documents. */
  static List<int[][]> nonEmpty(List<int[][]> documents) {
    List<int[][]> out = new ArrayList<>(documents.size());
    for (int[][] document : documents) {
      int kept = 0;
      for (int[] sentence : document) {
        if (sentence.length > 0) {
          kept++;
        }
      }
      if (kept == 0) {
        continue;
      }
      if (kept == document.length) {
        out.add(document);
      } else {
        int[][] copy = new int[kept][];
        int k = 0;
        for (int[] sentence : document) {
          if (sentence.length > 0) {
            copy[k++] = sentence;
          }
        }
        out.add(copy);
      }
    }
    return out;
  }
}
