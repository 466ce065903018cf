package io.beambert.io;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Splits large files into byte ranges that several workers can read at once.
 *
 * <p>Input: {@code PCollection<FileIO.ReadableFile>}. Output: {@code KV<file, start>} pieces: a file
 * that is uncompressed, cheap to seek in and larger than the range size gives one piece per range,
 * with the range's start offset (range {@code [start, start + rangeBytes)}, the last one shorter);
 * any other file gives one piece with start {@code -1}, meaning "the whole file". The ranges are
 * redistributed ({@code Reshuffle}), because a runner may otherwise process everything one element
 * outputs in one bundle, on one worker. What a range holds (lines, documents) is for the reader to
 * decide, for example with boundaries found by scanning from the start offset.
 *
 * <pre>{@code
 * PCollection<KV<FileIO.ReadableFile, Long>> pieces =
 *     files.apply(FileRanges.of(64L << 20));
 * }</pre>
 */
public final class FileRanges
    extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<KV<FileIO.ReadableFile, Long>>> {
  private static final long serialVersionUID = 1L;

  /** The start offset of a piece that is a whole file. */
  public static final long WHOLE_FILE = -1;

  private static final TupleTag<KV<FileIO.ReadableFile, Long>> WHOLE = new TupleTag<>("whole") {};
  private static final TupleTag<KV<FileIO.ReadableFile, Long>> RANGES = new TupleTag<>("ranges") {};

  private final long rangeBytes;

  private FileRanges(long rangeBytes) {
    if (rangeBytes < 1) {
      throw new IllegalArgumentException("rangeBytes must be positive, got " + rangeBytes);
    }
    this.rangeBytes = rangeBytes;
  }

  /** Ranges of {@code rangeBytes} bytes for files larger than that. */
  public static FileRanges of(long rangeBytes) {
    return new FileRanges(rangeBytes);
  }

  /**
   * Whether a file is read in ranges of {@code rangeBytes}: it is uncompressed, cheap to seek in
   * and larger than that.
   */
  public static boolean splits(MatchResult.Metadata file, Compression compression, long rangeBytes) {
    return compression == Compression.UNCOMPRESSED
        && file.isReadSeekEfficient()
        && file.sizeBytes() > rangeBytes;
  }

  /**
   * The pieces a file is read in: the start offsets of its ranges when it {@link #splits}, else
   * one piece {@link #WHOLE_FILE}.
   */
  public static List<Long> starts(MatchResult.Metadata file, Compression compression, long rangeBytes) {
    if (!splits(file, compression, rangeBytes)) {
      return List.of(WHOLE_FILE);
    }
    List<Long> starts = new ArrayList<>();
    for (long start = 0; start < file.sizeBytes(); start += rangeBytes) {
      starts.add(start);
    }
    return starts;
  }

  /**
   * Where a reader of the range at {@code start} stops: the range's end, or, for the last range,
   * nowhere (it reads on, should the file have grown since it was listed).
   */
  public static long readEnd(long start, long rangeBytes, long size) {
    return start + rangeBytes >= size ? Long.MAX_VALUE : start + rangeBytes;
  }

  @Override
  public PCollection<KV<FileIO.ReadableFile, Long>> expand(PCollection<FileIO.ReadableFile> files) {
    KvCoder<FileIO.ReadableFile, Long> coder = KvCoder.of(files.getCoder(), VarLongCoder.of());
    PCollectionTuple pieces =
        files.apply(
            "PlanRanges",
            ParDo.of(new PlanFn(rangeBytes)).withOutputTags(WHOLE, TupleTagList.of(RANGES)));
    PCollection<KV<FileIO.ReadableFile, Long>> ranges =
        pieces.get(RANGES).setCoder(coder).apply("SpreadRanges", Reshuffle.viaRandomKey());
    return PCollectionList.of(pieces.get(WHOLE).setCoder(coder))
        .and(ranges)
        .apply("Pieces", Flatten.pCollections())
        .setCoder(coder);
  }

  /** Emits a file whole (start -1) or, when it can be split, the start offsets of its ranges. */
  static final class PlanFn extends DoFn<FileIO.ReadableFile, KV<FileIO.ReadableFile, Long>> {
    private static final long serialVersionUID = 1L;

    private final long rangeBytes;

    PlanFn(long rangeBytes) {
      this.rangeBytes = rangeBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      for (long start : starts(file.getMetadata(), file.getCompression(), rangeBytes)) {
        out.get(start == WHOLE_FILE ? WHOLE : RANGES).output(KV.of(file, start));
      }
    }
  }
}
