package io.beambert.instances;

import io.beambert.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The cases of golden/instances/CASES.tsv with their reference flags parsed into options. */
final class GoldenCases {
  private GoldenCases() {}

  /** One golden case. */
  static final class Case {
    final String file;
    final String corpus;
    final String flags;
    final InstanceOptions options;
    final boolean doLowerCase;

    Case(String file, String corpus, String flags) {
      this.file = file;
      this.corpus = corpus;
      this.flags = flags;
      InstanceOptions.Builder b = InstanceOptions.builder();
      boolean lower = true;
      for (String flag : flags.trim().split("\\s+")) {
        if (flag.isEmpty()) {
          continue;
        }
        String[] kv = flag.replaceFirst("^--", "").split("=", 2);
        String v = kv[1];
        switch (kv[0]) {
          case "dupe_factor":
            b.dupeFactor(Integer.parseInt(v));
            break;
          case "do_whole_word_mask":
            b.doWholeWordMask(Boolean.parseBoolean(v));
            break;
          case "max_seq_length":
            b.maxSeqLength(Integer.parseInt(v));
            break;
          case "max_predictions_per_seq":
            b.maxPredictionsPerSeq(Integer.parseInt(v));
            break;
          case "short_seq_prob":
            b.shortSeqProb(Double.parseDouble(v));
            break;
          case "random_seed":
            b.randomSeed(Long.parseLong(v));
            break;
          case "masked_lm_prob":
            b.maskedLmProb(Double.parseDouble(v));
            break;
          case "do_lower_case":
            lower = Boolean.parseBoolean(v);
            break;
          default:
            throw new IllegalArgumentException("unknown flag in CASES.tsv: " + flag);
        }
      }
      this.options = b.build();
      this.doLowerCase = lower;
    }

    @Override
    public String toString() {
      return file + " (" + corpus + " " + flags + ")";
    }
  }

  static List<Case> all() throws IOException {
    List<Case> cases = new ArrayList<>();
    List<String> lines =
        Files.readAllLines(Shared.path("golden/instances/CASES.tsv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cols = line.split("\t");
      cases.add(new Case(cols[0], cols[1], cols.length > 2 ? cols[2] : ""));
    }
    if (cases.size() != 7) {
      throw new IllegalStateException("expected 7 golden cases, found " + cases.size());
    }
    return cases;
  }
}
