package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VocabJobTest {

  /** Plain command lines: read directly, they give what Beam's option parsing gives. */
  @Test
  void readsPlainCommandLinesAsBeamsParsingDoes() {
    List<String[]> lines =
        List.of(
            new String[] {"--input=a/*.txt", "--output=out"},
            new String[] {"--output=out", "--input=a b.txt", "--engine=inprocess"},
            new String[] {
              "--input=c.txt", "--output=o", "--vocabSize=1000", "--minFrequency=3",
              "--limitAlphabet=77", "--doLowerCase=false", "--heldOutPercent=0",
              "--compareVocab=v.txt", "--engine=auto"
            },
            new String[] {"--input=", "--output=x=y", "--doLowerCase=true", "--vocabSize=-4"},
            new String[] {
              "--input=a", "--output=o", "--minFrequency=007", "--vocabSize=2147483647",
              "--heldOutPercent=-0", "--limitAlphabet=000000000000000009"
            });
    for (String[] args : lines) {
      Optional<VocabJob> read = VocabJob.readInProcess(args);
      assertTrue(read.isPresent(), String.join(" ", args));
      LearnVocabPipeline.Options options =
          org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args))
              .withValidation()
              .as(LearnVocabPipeline.Options.class);
      assertEquals(VocabJob.of(options), read.get(), String.join(" ", args));
    }
  }

  /** Anything else is left to Beam's option parsing, with its rules and messages. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "--runner=DirectRunner",
        "--runner=FlinkRunner",
        "--engine=beam",
        "--engine=fast",
        "--targetParallelism=1",
        "--vocabsize=10",
        "--vocabSize=abc",
        "--vocabSize= 10",
        "--vocabSize=3000000000",
        "--vocabSize=2147483648",
        "--minFrequency=0000000000000000001",
        "--doLowerCase=TRUE",
        "--doLowerCase",
        "--vocabSize",
        "--input=again.txt",
        "positional"
      })
  void leavesEveryOtherCommandLineToBeam(String extra) {
    assertEquals(
        Optional.empty(), VocabJob.readInProcess(new String[] {"--input=a", "--output=o", extra}));
  }

  @Test
  void leavesMissingRequiredOptionsAndOtherFileSystemsToBeam() {
    assertEquals(Optional.empty(), VocabJob.readInProcess(new String[] {"--input=a"}));
    assertEquals(Optional.empty(), VocabJob.readInProcess(new String[] {"--output=o"}));
    assertEquals(
        Optional.empty(),
        VocabJob.readInProcess(new String[] {"--input=gs://bucket/a", "--output=o"}));
    assertEquals(
        Optional.empty(),
        VocabJob.readInProcess(new String[] {"--input=a", "--output=s3://bucket/o"}));
    assertEquals(
        Optional.empty(), VocabJob.readInProcess(new String[] {"--input=hdfs:/a", "--output=o"}));
  }
}
