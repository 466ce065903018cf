package io.beambert.pipelines;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference mode on the embedded FlinkRunner gives the same instances as the reference. */
class PretrainingDataFlinkTest {

  @Test
  void goldenCaseOnEmbeddedFlink(@TempDir Path out) throws IOException {
    GoldenFiles.Case c =
        GoldenFiles.cases().stream()
            .filter(x -> x.file().equals("edge_default.jsonl"))
            .findFirst()
            .orElseThrow();
    PretrainingDataPipeline.main(
        PretrainingDataGoldenTest.args(
                c, out, "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2")
            .toArray(new String[0]));
    PretrainingDataGoldenTest.assertMatchesGolden(c, out);
  }
}
