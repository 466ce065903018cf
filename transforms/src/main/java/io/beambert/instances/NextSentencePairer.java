package io.beambert.instances;

import io.beambert.random.RandomSource;
import java.util.List;

/**
 * Next-sentence pairing of the reference: whether B is a random next (draw C2), which document it
 * comes from (draws C3, with retries), where in that document it starts (draw C4) and how many
 * sentences it takes.
 *
 * <p>When B is a random next the reference "puts back" the chunk's unused sentences: the next
 * chunk starts right after A ({@link SegmentPacker#pack} does this).
 */
public final class NextSentencePairer {
  /** Number of C3 draws before the current document is accepted as its own partner. */
  public static final int PARTNER_ATTEMPTS = 10;

  private NextSentencePairer() {}

  /**
   * Whether B is a random next: always for a one-sentence chunk, without drawing; otherwise draw C2
   * {@code random() < 0.5}.
   */
  public static boolean drawRandomNext(RandomSource rng, int chunkSize) {
    return chunkSize == 1 || rng.random() < 0.5;
  }

  /**
   * Draw C3: {@code randint(0, numDocuments - 1)} until it differs from {@code currentIndex}, at
   * most {@value #PARTNER_ATTEMPTS} times; after ten misses the current document is used.
   */
  public static int drawPartnerIndex(RandomSource rng, int numDocuments, int currentIndex) {
    int index = currentIndex;
    for (int attempt = 0; attempt < PARTNER_ATTEMPTS; attempt++) {
      index = rng.randint(0, numDocuments - 1);
      if (index != currentIndex) {
        break;
      }
    }
    return index;
  }

  /** The reference's partners: documents of the (shuffled) corpus list, C3 over all of them. */
  public static PartnerDocuments referencePartners(List<int[][]> documents, int currentIndex) {
    return rng -> documents.get(drawPartnerIndex(rng, documents.size(), currentIndex));
  }

  /**
   * Segment B of a random next for a chunk with {@code lengthA} tokens in A: the partner (C3,
   * {@code partners}), then its run of sentences towards {@code targetLength - lengthA} tokens (C4).
   */
  public static int[] randomNext(
      PartnerDocuments partners, int targetLength, int lengthA, RandomSource rng) {
    return randomNextSegment(partners.draw(rng), targetLength - lengthA, rng);
  }

  /**
   * Segment B of a random next: draw C4 {@code randint(0, partner.length - 1)} for the start
   * sentence (drawn even for a one-sentence partner), then whole sentences from there until B has
   * at least {@code targetLengthB} tokens or the partner ends; at least one sentence.
   */
  public static int[] randomNextSegment(int[][] partner, int targetLengthB, RandomSource rng) {
    long range = randomNextSentences(partner, targetLengthB, rng);
    return SegmentPacker.concat(partner, (int) (range >>> 32), (int) range);
  }

  /**
   * The sentences of {@link #randomNextSegment} (same draw), as {@code start << 32 | end}: B is
   * sentences {@code [start, end)} of the partner.
   */
  public static long randomNextSentences(int[][] partner, int targetLengthB, RandomSource rng) {
    int start = rng.randint(0, partner.length - 1);
    long length = 0;
    int end = start;
    while (end < partner.length) {
      length += partner[end].length;
      end++;
      if (length >= targetLengthB) {
        break;
      }
    }
    return ((long) start << 32) | end;
  }
}
