package io.beambert.instances.distributed;

import io.beambert.testing.Shared;
import io.beambert.text.BertTokenizer;
import io.beambert.text.PyStr;
import io.beambert.text.Vocab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test corpora: the golden texts, and larger ones recombined from their sentences. */
final class TestCorpus {
  private TestCorpus() {}

  static Vocab vocab() throws IOException {
    return Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
  }

  /** Documents of a corpus file in the reference format (blank lines separate documents). */
  static List<List<String>> documents(Path file) throws IOException {
    List<List<String>> docs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String s = PyStr.strip(line);
      if (s.isEmpty()) {
        if (!current.isEmpty()) {
          docs.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(s);
      }
    }
    if (!current.isEmpty()) {
      docs.add(current);
    }
    return docs;
  }

  /** {@code count} documents of 3 to 30 sentences drawn (seeded) from the golden texts. */
  static List<List<String>> recombined(int count, long seed) throws IOException {
    List<String> sentences = new ArrayList<>();
    for (String f : List.of("golden/sample_text.txt", "golden/edge_corpus.txt")) {
      for (List<String> d : documents(Shared.path(f))) {
        sentences.addAll(d);
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<List<String>> docs = new ArrayList<>(count);
    for (int d = 0; d < count; d++) {
      int n = 3 + rng.nextInt(28);
      List<String> doc = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        doc.add(sentences.get(rng.nextInt(sentences.size())));
      }
      docs.add(doc);
    }
    return docs;
  }

  /** Tokenizes, dropping empty sentences and empty documents like the reference. */
  static List<int[][]> tokenize(List<List<String>> docs, BertTokenizer tokenizer) {
    List<int[][]> out = new ArrayList<>();
    for (List<String> doc : docs) {
      List<int[]> sentences = new ArrayList<>();
      for (String s : doc) {
        int[] ids = tokenizer.tokenizeToIds(s);
        if (ids.length > 0) {
          sentences.add(ids);
        }
      }
      if (!sentences.isEmpty()) {
        out.add(sentences.toArray(new int[0][]));
      }
    }
    return out;
  }
}
