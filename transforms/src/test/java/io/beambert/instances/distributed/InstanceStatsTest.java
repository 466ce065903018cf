package io.beambert.instances.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compares {@link InstanceStats} with the figures {@code instance_stats.py --json} prints. */
class InstanceStatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<String> vocab() throws IOException {
    return Files.readAllLines(
        Shared.path("golden/vocab-bert-base-uncased.txt"), StandardCharsets.UTF_8);
  }

  /** Reads the reference's JSON-lines feature layout. */
  static List<PretrainingInstance> readJsonl(Path file) throws IOException {
    List<PretrainingInstance> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      List<Float> weights = new ArrayList<>();
      n.get("masked_lm_weights").forEach(x -> weights.add((float) x.asDouble()));
      out.add(
          new PretrainingInstance(
              ints(n.get("input_ids")),
              ints(n.get("input_mask")),
              ints(n.get("segment_ids")),
              ints(n.get("masked_lm_positions")),
              ints(n.get("masked_lm_ids")),
              weights,
              n.get("next_sentence_labels").get(0).asInt()));
    }
    return out;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asInt()));
    return out;
  }

  private static InstanceStats stats(List<PretrainingInstance> records) throws IOException {
    InstanceStats s = new InstanceStats(vocab());
    records.forEach(s::add);
    return s;
  }

  @Test
  void matchesPythonToolOnWholeWordGolden() throws IOException {
    InstanceStats s = stats(readJsonl(Shared.path("golden/instances/edge_wwm.jsonl")));
    var m = s.toMap();
    assertEquals(200L, m.get("instances"));
    assertEquals(0.715, (double) m.get("frac_is_random_next"), 1e-12);
    assertEquals(64.685, (double) m.get("mean_real_tokens"), 1e-12);
    assertEquals(0.19, (double) m.get("frac_full_length"), 1e-12);
    assertEquals(28.415, (double) m.get("mean_segment_a_tokens"), 1e-12);
    assertEquals(33.27, (double) m.get("mean_segment_b_tokens"), 1e-12);
    assertEquals(9.635, (double) m.get("mean_masked_positions"), 1e-12);
    assertEquals(1524L, m.get("masked_count_mask"));
    assertEquals(189L, m.get("masked_count_kept"));
    assertEquals(214L, m.get("masked_count_random"));
    assertEquals(0.19615983393876493, (double) m.get("masked_frac_continuation_pieces"), 1e-15);
    assertEquals(8132L, m.get("words_total"));
    assertEquals(1552L, m.get("words_with_a_masked_piece"));
    assertEquals(0L, m.get("words_partially_masked"));
    assertEquals(0.014763855607946201, (double) m.get("frac_unk_tokens"), 1e-15);
    assertTrue(s.formatProblems().isEmpty(), s.formatProblems().toString());
    assertEquals(
        "11f11de8b8eab0a3b85e9828b84796a93c4703a5836da58d462fba421fd998d4", s.digestOrdered());
    assertEquals(
        "b2e9e6d6a0c3d440ee8d4f656ae1110625329db0d414d751fa3eb2cd996d2430", s.digestMultiset());
  }

  @Test
  void matchesPythonToolOnDefaultGolden() throws IOException {
    InstanceStats s = stats(readJsonl(Shared.path("golden/instances/sample_readme.jsonl")));
    var m = s.toMap();
    assertEquals(60L, m.get("instances"));
    assertEquals(0.5333333333333333, s.fracRandomNext(), 1e-15);
    assertEquals(103.45, s.meanRealTokens(), 1e-12);
    assertEquals(0.55, s.fracFullLength(), 1e-12);
    assertEquals(15.366666666666667, s.meanMaskedPositions(), 1e-12);
    assertEquals(722L, m.get("masked_count_mask"));
    assertEquals(96L, m.get("masked_count_kept"));
    assertEquals(104L, m.get("masked_count_random"));
    assertEquals(5476L, m.get("words_total"));
    assertEquals(904L, m.get("words_with_a_masked_piece"));
    assertEquals(111L, m.get("words_partially_masked"));
    assertEquals(
        "51b4929138450d2b6742c1bd59761045d046478f165565967eb1a00a1b6df763", s.digestOrdered());
    assertEquals(
        "ac4d545b57d9ac7b13aac5c5255d3e02136a075b4ee2baada214d1a6a00fb87f", s.digestMultiset());
  }

  @Test
  void multisetDigestIgnoresOrderButNotContent() throws IOException {
    List<PretrainingInstance> records =
        readJsonl(Shared.path("golden/instances/edge_cased.jsonl"));
    InstanceStats original = stats(records);
    List<PretrainingInstance> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, new Random(3));
    InstanceStats reordered = stats(shuffled);
    assertEquals(
        "93e6b77b2cfbe5eea40d9f17868d3721aa2c97debecfafa3ab154fc67a390e69",
        original.digestMultiset());
    assertEquals(original.digestMultiset(), reordered.digestMultiset());
    assertNotEquals(original.digestOrdered(), reordered.digestOrdered());

    List<PretrainingInstance> changed = new ArrayList<>(records);
    PretrainingInstance first = PretrainingInstance.newBuilder(changed.get(0)).build();
    first.setNextSentenceLabels(1 - first.getNextSentenceLabels());
    changed.set(0, first);
    assertNotEquals(original.digestMultiset(), stats(changed).digestMultiset());
  }

  @Test
  void reportsFormatProblems() throws IOException {
    List<PretrainingInstance> records =
        readJsonl(Shared.path("golden/instances/sample_seed0.jsonl"));
    PretrainingInstance bad = PretrainingInstance.newBuilder(records.get(0)).build();
    List<Integer> ids = new ArrayList<>(bad.getInputIds());
    ids.set(0, 7);
    bad.setInputIds(ids);
    InstanceStats s = stats(List.of(records.get(1), bad));
    assertEquals(1L, s.formatProblems().get("no [CLS] first"));
  }
}
