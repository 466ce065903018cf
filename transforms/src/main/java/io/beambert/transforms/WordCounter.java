package io.beambert.transforms;

import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.vocab.VocabReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Counts the basic tokens of lines in memory, spread over shards of the words, until its owner
 * hands the partial counts on with {@link #flush}. Words longer than {@link
 * BertTokenizer#MAX_INPUT_CHARS_PER_WORD} code points are counted under {@link
 * VocabReport#TOO_LONG_WORDS} instead of being stored. Not thread-safe: one per worker thread.
 */
final class WordCounter {
  private final BertTokenizer tokenizer;
  private final int shardCount;
  private final int flushEntries;
  private Map<String, Long>[] shards;
  private int entries;
  private long lines;
  private long words;
  private long tooLong;

  WordCounter(boolean doLowerCase, int shardCount, int flushEntries) {
    this.tokenizer = new BertTokenizer(Vocab.of(List.of(Vocab.UNK)), doLowerCase);
    this.shardCount = shardCount;
    this.flushEntries = flushEntries;
    clear();
  }

  /** Basic-tokenizes {@code line} and counts its words. */
  void countLine(String line) {
    tokenizer.basicTokens(line, this::add);
    lines++;
  }

  /** Whether it holds at least the flush threshold of distinct words (per shard, summed). */
  boolean isFull() {
    return entries >= flushEntries;
  }

  /** Lines counted since the last flush. */
  long lines() {
    return lines;
  }

  /** Words stored since the last flush (each occurrence). */
  long words() {
    return words;
  }

  /** Too-long words counted since the last flush. */
  long tooLong() {
    return tooLong;
  }

  /** Hands out the counts of each non-empty shard (shard, word counts), then starts afresh. */
  void flush(BiConsumer<Integer, Map<String, Long>> out) {
    for (int shard = 0; shard < shardCount; shard++) {
      if (shards[shard] != null) {
        out.accept(shard, shards[shard]);
      }
    }
    clear();
  }

  /** Drops what it holds (e.g. what a failed bundle left). */
  @SuppressWarnings("unchecked")
  void clear() {
    shards = new Map[shardCount];
    entries = 0;
    lines = 0;
    words = 0;
    tooLong = 0;
  }

  private void add(String word) {
    int n = word.length();
    if (n > BertTokenizer.MAX_INPUT_CHARS_PER_WORD
        && (n > 2 * BertTokenizer.MAX_INPUT_CHARS_PER_WORD
            || word.codePointCount(0, n) > BertTokenizer.MAX_INPUT_CHARS_PER_WORD)) {
      tooLong++;
      word = VocabReport.TOO_LONG_WORDS;
    } else {
      words++;
    }
    int shard = Math.floorMod(word.hashCode(), shardCount);
    Map<String, Long> counts = shards[shard];
    if (counts == null) {
      counts = new HashMap<>();
      shards[shard] = counts;
    }
    if (counts.merge(word, 1L, Long::sum) == 1L) {
      entries++;
    }
  }
}
