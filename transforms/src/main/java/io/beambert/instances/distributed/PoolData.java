package io.beambert.instances.distributed;

import io.beambert.instances.SegmentPacker;
import io.beambert.instances.SeqPairTruncator;
import io.beambert.random.KeyedRandom;
import io.beambert.schemas.RunCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One pool of documents on its way through the distributed mode's steps ({@link PoolStep}): its
 * documents' ids and texts, then their token ids, chunks, pairs and finally encoded instances.
 * Each step reads what the one before it left ({@link Stage}) and replaces it.
 *
 * <p>Documents are kept sorted by id (then text), so every draw depends only on the pool's
 * content. A document that one of the built-in steps ({@link PoolSteps}) cannot process is failed:
 * it goes to the dead letters with the step's name, its chunks and instances are removed, and the
 * other documents go on. A step of one's own that throws fails the whole pool (and with it the
 * run, unless the runner retries it). Random streams are {@link
 * KeyedRandom#forKey}{@code (seed, document id, pass, step)}, one per document, pass and step.
 *
 * <p>Not thread-safe; one pool is worked on by one thread.
 *
 * <pre>{@code
 * PoolData pool = new PoolData(3, 8, ids, texts);
 * for (PoolStep step : steps) {
 *   pool.apply(step);
 * }
 * pool.writeInstances((bytes, offset, length) -> out.write(bytes, offset, length));
 * }</pre>
 */
public final class PoolData {

  /** What a pool holds between steps. */
  public enum Stage {
    /** Texts, as read. */
    DOCUMENTS("documents"),
    /** Token ids of each document's sentences. */
    TOKENIZED("tokenized documents"),
    /** Chunks of every document and pass, segment B set only for an actual next. */
    CHUNKED("chunks"),
    /** Next-sentence pairs: segment B set for every chunk. */
    PAIRED("pairs"),
    /** Masked instances, encoded, in the pool's output order. */
    MASKED("instances");

    private final String description;

    Stage(String description) {
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** A document that a step could not process. */
  public record DeadLetter(String id, String step, String reason, String text) {}

  /**
   * A chunk of one document's pass, as packing cut it; pairing sets segment B of a random next and
   * truncation shortens A and B. Segments are kept as ranges of their documents' sentences (less
   * tokens cut from the front), not as copies: a pool holds its documents' tokens once.
   */
  public static final class Chunk {
    private final int document;
    private final int pass;
    private final int targetLength;
    private final boolean randomNext;
    private final int[][] documentA;
    private final int firstA;
    private int frontA;
    private int lengthA;
    private int[][] documentB;
    private int firstB;
    private int frontB;
    private int lengthB;

    Chunk(int document, int pass, int targetLength, boolean randomNext, int[][] tokens, int start,
        int split, int end) {
      this.document = document;
      this.pass = pass;
      this.targetLength = targetLength;
      this.randomNext = randomNext;
      this.documentA = tokens;
      this.firstA = start;
      this.lengthA = SegmentPacker.length(tokens, start, split);
      if (!randomNext) {
        setB(tokens, split, end);
      }
    }

    /** Index of the chunk's document in the pool. */
    public int document() {
      return document;
    }

    /** The pass, 0 to dupeFactor - 1. */
    public int pass() {
      return pass;
    }

    /** The pass's target length. */
    public int targetLength() {
      return targetLength;
    }

    /** Whether B is a random next. */
    public boolean isRandomNext() {
      return randomNext;
    }

    /** Tokens of A. */
    public int lengthA() {
      return lengthA;
    }

    /** Tokens of B (0 for a random next before pairing). */
    public int lengthB() {
      return lengthB;
    }

    /** Id {@code k} of A. */
    public int tokenA(int k) {
      return tokenAt(documentA, firstA, frontA + checkIndex(k, lengthA));
    }

    /** Id {@code k} of B. */
    public int tokenB(int k) {
      return tokenAt(documentB, firstB, frontB + checkIndex(k, lengthB));
    }

    /** B is sentences {@code [from, to)} of {@code tokens}. */
    void setB(int[][] tokens, int from, int to) {
      documentB = tokens;
      firstB = from;
      frontB = 0;
      lengthB = SegmentPacker.length(tokens, from, to);
    }

    /** Applies a truncation. */
    void cut(SeqPairTruncator.Cut cut) {
      frontA += cut.frontA();
      lengthA -= cut.frontA() + cut.backA();
      frontB += cut.frontB();
      lengthB -= cut.frontB() + cut.backB();
    }

    /** {@code [CLS] A [SEP] B [SEP]} as a new array. */
    int[] sequence(int clsId, int sepId) {
      int[] out = new int[lengthA + lengthB + 3];
      out[0] = clsId;
      copy(documentA, firstA, frontA, lengthA, out, 1);
      out[lengthA + 1] = sepId;
      copy(documentB, firstB, frontB, lengthB, out, lengthA + 2);
      out[out.length - 1] = sepId;
      return out;
    }

    private static int checkIndex(int k, int length) {
      if (k < 0 || k >= length) {
        throw new IndexOutOfBoundsException("token " + k + " of a segment of " + length);
      }
      return k;
    }

    /** Token {@code skip} of the sentences from {@code first} on. */
    private static int tokenAt(int[][] document, int first, int skip) {
      int i = first;
      while (skip >= document[i].length) {
        skip -= document[i].length;
        i++;
      }
      return document[i][skip];
    }

    /** Copies {@code length} tokens from token {@code skip} of the sentences from {@code first}. */
    private static void copy(
        int[][] document, int first, int skip, int length, int[] dest, int at) {
      for (int i = first; length > 0; i++) {
        int[] sentence = document[i];
        if (skip >= sentence.length) {
          skip -= sentence.length;
          continue;
        }
        int n = Math.min(sentence.length - skip, length);
        System.arraycopy(sentence, skip, dest, at, n);
        at += n;
        length -= n;
        skip = 0;
      }
    }
  }

  /** Receives encoded instances: {@code length} bytes of {@code buffer} from {@code offset}. */
  @FunctionalInterface
  public interface EncodedSink {
    /** Accepts one record; the bytes are only valid during the call. */
    void accept(byte[] buffer, int offset, int length);
  }

  private final int index;
  private final int count;
  final List<String> ids;
  final List<String> texts;
  private final long documentsRead;
  private Stage stage = Stage.DOCUMENTS;
  List<int[][]> documents;
  private boolean[] failed;
  List<Chunk> chunks;
  EncodedStore instances;
  int[] order;
  long documentsEmpty;
  long instanceTokens;
  long maskedPositions;
  long randomNext;
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  /**
   * Pool {@code index} of {@code count}, with its documents' ids and texts (stripped non-blank lines
   * joined with {@code '\n'}) in any order.
   */
  public PoolData(int index, int count, List<String> ids, List<String> texts) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("pool " + index + " of " + count);
    }
    if (ids.size() != texts.size()) {
      throw new IllegalArgumentException(ids.size() + " ids but " + texts.size() + " texts");
    }
    this.index = index;
    this.count = count;
    Integer[] byId = new Integer[ids.size()];
    for (int i = 0; i < byId.length; i++) {
      byId[i] = i;
    }
    // By id, then by text: two texts with one id (a hash collision) keep a fixed order.
    Arrays.sort(
        byId,
        (a, b) -> {
          int c = ids.get(a).compareTo(ids.get(b));
          return c != 0 ? c : texts.get(a).compareTo(texts.get(b));
        });
    this.ids = new ArrayList<>(byId.length);
    this.texts = new ArrayList<>(byId.length);
    for (int i : byId) {
      this.ids.add(ids.get(i));
      this.texts.add(texts.get(i));
    }
    this.documentsRead = byId.length;
  }

  /** The pool's index among {@link #count()} pools: its shard. */
  public int index() {
    return index;
  }

  /** The number of pools (and shards) of the run. */
  public int count() {
    return count;
  }

  /** {@code "index-of-count"}: names the pool's streams. */
  public String key() {
    return index + "-of-" + count;
  }

  /** What the pool holds now. */
  public Stage stage() {
    return stage;
  }

  /** Documents in the pool now (after tokenizing: those with tokens, failed ones included). */
  public int documentCount() {
    return ids.size();
  }

  /** Id of document {@code d}. */
  public String id(int d) {
    return ids.get(d);
  }

  /**
   * The chunks or pairs, by document, then pass, then position; a step of stage {@link
   * Stage#PAIRED} may remove some (a filter).
   *
   * @throws IllegalStateException before packing or after masking
   */
  public List<Chunk> chunks() {
    if (stage != Stage.CHUNKED && stage != Stage.PAIRED) {
      throw new IllegalStateException("the pool holds " + stage + ", not chunks or pairs");
    }
    return chunks;
  }

  /** The documents that steps failed so far, in the order they failed. */
  public List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  /**
   * Runs {@code step} on the pool.
   *
   * @throws IllegalStateException when the pool does not hold what the step needs
   */
  public void apply(PoolStep step) {
    if (stage != step.requires()) {
      throw new IllegalStateException(
          "step " + step.name() + " needs " + step.requires() + " but the pool holds " + stage);
    }
    step.apply(this);
    stage = step.produces();
  }

  /** Marks document {@code d} failed in {@code step}: a dead letter, and no output from it. */
  void fail(int d, String step, RuntimeException cause) {
    if (failed == null) {
      failed = new boolean[ids.size()];
    }
    if (!failed[d]) {
      failed[d] = true;
      deadLetters.add(
          new DeadLetter(
              ids.get(d), step, cause.getClass().getSimpleName() + ": " + cause.getMessage(),
              texts.get(d)));
    }
  }

  /** Whether document {@code d} has failed. */
  boolean failed(int d) {
    return failed != null && failed[d];
  }

  /** A document dead-lettered before tokenizing ended (no index yet). */
  void deadLetter(String id, String step, String reason, String text) {
    deadLetters.add(new DeadLetter(id, step, reason, text));
  }

  /** Removes the chunks of failed documents. */
  void dropFailedChunks() {
    if (failed != null) {
      chunks.removeIf(c -> failed[c.document]);
    }
  }

  /**
   * Visits the runs of chunks that share a document and pass, with the stream {@code (seed,
   * document id, pass, streamStep)}; a run that throws fails its document (its later runs are
   * skipped), and the failed documents' chunks are removed at the end.
   */
  void forEachRun(String step, long seed, int streamStep, RunVisitor visitor) {
    int n = chunks.size();
    for (int from = 0; from < n; ) {
      Chunk first = chunks.get(from);
      int to = from + 1;
      while (to < n && chunks.get(to).document == first.document && chunks.get(to).pass == first.pass) {
        to++;
      }
      if (!failed(first.document)) {
        try {
          visitor.visit(
              chunks.subList(from, to),
              KeyedRandom.forKey(seed, ids.get(first.document), first.pass, streamStep));
        } catch (RuntimeException e) {
          fail(first.document, step, e);
        }
      }
      from = to;
    }
    dropFailedChunks();
  }

  /** One run of {@link #forEachRun}. */
  @FunctionalInterface
  interface RunVisitor {
    void visit(List<Chunk> run, KeyedRandom rng);
  }

  /** Hands the pool's encoded instances to {@code sink} in the pool's output order. */
  public void writeInstances(EncodedSink sink) {
    if (stage != Stage.MASKED) {
      throw new IllegalStateException("the pool holds " + stage + ", not instances");
    }
    for (int i : order) {
      instances.read(i, sink);
    }
  }

  /** Instances in the pool (after masking). */
  public int instanceCount() {
    return order == null ? 0 : order.length;
  }

  /**
   * The pool's counts: documents read, used (with tokens, not failed by a step), empty (no
   * tokens) and dead-lettered; the sentences and tokens of the used documents; and the instances with their
   * tokens, masked positions and random nexts, all in this pool's shard.
   */
  public RunCounts counts() {
    long sentences = 0;
    long tokens = 0;
    long used = 0;
    if (documents != null) {
      for (int d = 0; d < documents.size(); d++) {
        if (!failed(d)) {
          used++;
          for (int[] s : documents.get(d)) {
            sentences++;
            tokens += s.length;
          }
        }
      }
    }
    List<Long> shards = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      shards.add(i == index ? (long) instanceCount() : 0L);
    }
    return RunCounts.newBuilder()
        .setDocumentsRead(documentsRead)
        .setDocumentsUsed(used)
        .setDocumentsEmpty(documentsEmpty)
        .setDocumentsDeadLettered(deadLetters.size())
        .setSentences(sentences)
        .setTokens(tokens)
        .setInstances(instanceCount())
        .setInstanceTokens(instanceTokens)
        .setMaskedPositions(maskedPositions)
        .setRandomNext(randomNext)
        .setShardInstances(shards)
        .build();
  }
}
