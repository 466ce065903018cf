package io.beambert.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.random.PythonRandom;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodingTest {

  private static TrainingInstance sample() {
    // [CLS] a b [SEP] c [SEP] with "b" masked.
    return TrainingInstance.of(
        new int[] {2, 6, 4, 3, 8, 3}, 2, new int[] {2}, new int[] {7}, true);
  }

  @Test
  void avroFeaturesArePaddedLikeTheReference() {
    PretrainingInstance p = InstanceEncoder.toAvro(sample(), 8, 3);
    assertEquals(List.of(2, 6, 4, 3, 8, 3, 0, 0), p.getInputIds());
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 0, 0), p.getInputMask());
    assertEquals(List.of(0, 0, 0, 0, 1, 1, 0, 0), p.getSegmentIds());
    assertEquals(List.of(2, 0, 0), p.getMaskedLmPositions());
    assertEquals(List.of(7, 0, 0), p.getMaskedLmIds());
    assertEquals(List.of(1.0f, 0.0f, 0.0f), p.getMaskedLmWeights());
    assertEquals(1, p.getNextSentenceLabels());
    assertEquals(sample(), InstanceEncoder.fromAvro(p));
  }

  @Test
  void tooLongInstancesAreRejectedWithTheLimit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InstanceEncoder.toAvro(sample(), 5, 3));
    assertTrue(e.getMessage().contains("maxSeqLength 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> InstanceEncoder.toAvro(sample(), 8, 0));
    assertTrue(e.getMessage().contains("maxPredictionsPerSeq 0"), e.getMessage());
  }

  @Test
  void instanceValidation() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingInstance.of(new int[] {2, 6, 3, 3}, 1, new int[0], new int[0], false));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingInstance.of(new int[] {2, 6, 3, 7, 3}, 1, new int[] {3, 1}, new int[] {1, 1}, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingInstance.of(new int[] {2, 6, 3, 7, 3}, 1, new int[] {1}, new int[0], false));
    assertThrows(IllegalArgumentException.class, () -> SegmentPair.of(new int[0], new int[] {1}, false));
  }

  @Test
  void jsonLineLayoutAndRoundTrip() {
    PretrainingInstance p = InstanceEncoder.toAvro(sample(), 8, 3);
    String line = InstanceJson.toJson(p);
    assertEquals(
        "{\"input_ids\":[2,6,4,3,8,3,0,0],\"input_mask\":[1,1,1,1,1,1,0,0],"
            + "\"segment_ids\":[0,0,0,0,1,1,0,0],\"masked_lm_positions\":[2,0,0],"
            + "\"masked_lm_ids\":[7,0,0],\"masked_lm_weights\":[1.0,0.0,0.0],"
            + "\"next_sentence_labels\":[1]}",
        line);
    assertEquals(p, InstanceJson.parse(line));
  }

  @Test
  void malformedJsonNamesFileLineAndField(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    String good = InstanceJson.toJson(InstanceEncoder.toAvro(sample(), 8, 3));
    Files.writeString(file, good + "\n\n" + good.replace("\"input_mask\"", "\"mask\"") + "\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InstanceJson.read(file));
    assertTrue(e.getMessage().contains("bad.jsonl:3"), e.getMessage());
    assertTrue(e.getMessage().contains("input_mask"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InstanceJson.parse("[1,2]"));
    assertThrows(IllegalArgumentException.class, () -> InstanceJson.parse("{"));
  }

  @Test
  void firstDifferenceLocatesTheField() throws IOException {
    List<PretrainingInstance> golden =
        InstanceJson.read(Shared.path("golden/instances/sample_seed0.jsonl"));
    assertEquals(Optional.empty(), InstanceJson.firstDifference(golden, golden));
    List<PretrainingInstance> changed = new ArrayList<>(golden);
    PretrainingInstance copy = PretrainingInstance.newBuilder(golden.get(4)).build();
    List<Integer> ids = new ArrayList<>(copy.getMaskedLmIds());
    ids.set(3, ids.get(3) + 1);
    copy.setMaskedLmIds(ids);
    changed.set(4, copy);
    String diff = InstanceJson.firstDifference(golden, changed).orElseThrow();
    assertTrue(diff.startsWith("instance 4 differs in masked_lm_ids at [3]"), diff);
    diff = InstanceJson.firstDifference(golden, golden.subList(0, 3)).orElseThrow();
    assertTrue(diff.contains("expected " + golden.size() + " instances, got 3"), diff);
  }

  @Test
  void goldenFilesSurviveParseAndWrite() throws IOException {
    for (String name : List.of("sample_wwm.jsonl", "edge_cased.jsonl")) {
      Path file = Shared.path("golden/instances/" + name);
      StringBuilder out = new StringBuilder();
      for (PretrainingInstance p : InstanceJson.read(file)) {
        InstanceJson.writeLine(p, out);
        // And through the compact instance type.
        TrainingInstance t = InstanceEncoder.fromAvro(p);
        assertEquals(p, InstanceEncoder.toAvro(t, p.getInputIds().size(), p.getMaskedLmIds().size()));
      }
      assertEquals(Files.readString(file, StandardCharsets.UTF_8), out.toString());
    }
  }

  @Test
  void storeRoundTripsAndStaysWithinTheDocumentedBound() {
    InstanceOptions o = InstanceOptions.builder().dupeFactor(2).build();
    InstanceVocab vocab = TinyVocab.vocab();
    List<int[][]> docs = new ArrayList<>();
    PythonRandom r = new PythonRandom(4);
    for (int d = 0; d < 30; d++) {
      int[][] doc = new int[1 + r.randint(0, 12)][];
      for (int s = 0; s < doc.length; s++) {
        doc[s] = new int[1 + r.randint(0, 60)];
        for (int t = 0; t < doc[s].length; t++) {
          doc[s][t] = r.randint(5, 15);
        }
      }
      docs.add(doc);
    }
    ReferenceGenerator g = new ReferenceGenerator(o, vocab);
    InstanceStore store = g.generateUnshuffled(docs, new PythonRandom(1));
    List<TrainingInstance> direct = new ArrayList<>();
    InstanceMaker maker = new InstanceMaker(o, vocab);
    PythonRandom rng = new PythonRandom(1);
    List<int[][]> shuffled = new ArrayList<>(docs);
    rng.shuffle(shuffled);
    for (int pass = 0; pass < 2; pass++) {
      for (int d = 0; d < shuffled.size(); d++) {
        maker.createInstances(
            shuffled.get(d), NextSentencePairer.referencePartners(shuffled, d), rng, direct::add);
      }
    }
    assertEquals(direct.size(), store.size());
    for (int i = 0; i < direct.size(); i++) {
      assertEquals(direct.get(i), store.get(i));
    }
    // Bound: header <= 5 bytes for n <= 128, ids 2 bytes, positions 1 byte, 8-byte offset.
    long bound = 0;
    for (TrainingInstance t : direct) {
      bound += 5 + 2L * t.length() + 3L * t.maskedCount() + 8;
    }
    assertTrue(store.bytesUsed() <= bound, store.bytesUsed() + " > " + bound);
    assertTrue(store.bytesUsed() / store.size() <= 5 + 2 * 128 + 3 * 20 + 8);
  }

  @Test
  void storeWidensForLargeVocabulariesAndSequences() {
    InstanceStore wide = new InstanceStore(70_000, 512);
    assertEquals(3, wide.idWidth());
    assertEquals(2, wide.positionWidth());
    TrainingInstance t =
        TrainingInstance.of(new int[] {2, 69_999, 3, 65_536, 3}, 1, new int[] {3}, new int[] {65_537}, false);
    wide.add(t);
    assertEquals(t, wide.get(0));
    InstanceStore narrow = new InstanceStore(30_522, 128);
    assertEquals(2, narrow.idWidth());
    assertEquals(1, narrow.positionWidth());
    assertThrows(IllegalArgumentException.class, () -> narrow.add(t));
    assertThrows(IndexOutOfBoundsException.class, () -> narrow.get(0));
  }
}
