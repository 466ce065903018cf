package io.beambert.bench;

import io.beambert.instances.InstanceOptions;
import io.beambert.pipelines.BeamArgs;
import io.beambert.pipelines.ProgressReporter;
import io.beambert.transforms.distributed.GenerateDistributed;
import io.beambert.transforms.distributed.ProgressCounters;
import io.beambert.transforms.distributed.ReadDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;

/**
 * Runs the distributed generator end to end for benchmarks (reference defaults unless given):
 * read, tokenize, generate, write shards, with progress lines on stderr. Without {@code --runner}
 * it runs on the DirectRunner without its enforcement checks ({@code BeamArgs}), the runner that
 * needed the least CPU for this job (BENCHMARKS.md).
 *
 * <pre>
 * java -Xmx1g -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   io.beambert.bench.RunDistributed --input=/tmp/corpus.txt \
 *   --vocab=../shared/golden/vocab-bert-base-uncased.txt --output=/tmp/out --overwrite=true \
 *   [--runner=FlinkRunner --parallelism=2]
 * </pre>
 */
public final class RunDistributed {
  private RunDistributed() {}

  /** Options of a benchmark run. */
  public interface Options extends PipelineOptions {
    @Description("Corpus files (glob).")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Vocabulary file.")
    @Validation.Required
    String getVocab();

    void setVocab(String value);

    @Description("Output directory.")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Remove earlier shards, _metadata.json and dead letters from the output directory.")
    @Default.Boolean(false)
    boolean getOverwrite();

    void setOverwrite(boolean value);

    @Description("Number of passes.")
    @Default.Integer(10)
    int getDupeFactor();

    void setDupeFactor(int value);

    @Description("Documents per random-next pool.")
    @Default.Integer(GenerateDistributed.DEFAULT_NSP_POOL_SIZE)
    int getNspPoolSize();

    void setNspPoolSize(int value);

    @Description("Shards (0: one per pool).")
    @Default.Integer(0)
    int getNumShards();

    void setNumShards(int value);

    @Description("Avro codec: null, deflate-N, snappy, zstandard.")
    @Default.String("snappy")
    String getCodec();

    void setCodec(String value);

    @Description("Seconds between progress lines.")
    @Default.Integer(3)
    int getProgressSeconds();

    void setProgressSeconds(int value);

    @Description("Print CPU seconds by thread group at the end (Linux).")
    @Default.Boolean(false)
    boolean getThreadCpu();

    void setThreadCpu(boolean value);
  }

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    long start = System.nanoTime();
    Options o =
        PipelineOptionsFactory.fromArgs(BeamArgs.prepare(args)).withValidation().as(Options.class);
    prepare(Path.of(o.getOutput()), o.getOverwrite());
    List<String> vocab = Files.readAllLines(Path.of(o.getVocab()), StandardCharsets.UTF_8);
    InstanceOptions instanceOptions =
        InstanceOptions.builder().dupeFactor(o.getDupeFactor()).build();
    Pipeline p = Pipeline.create(o);
    p.apply("ReadDocuments", ReadDocuments.sources(o.getInput()))
        .apply(
            "GenerateDistributed",
            GenerateDistributed.to(o.getOutput(), vocab)
                .withOptions(instanceOptions)
                .withNspPoolSize(o.getNspPoolSize())
                .withNumShards(o.getNumShards())
                .withCodec(o.getCodec())
                .withRunDescription(
                    "{\"mode\":\"distributed\"}", "", instanceOptions + " " + o.getNspPoolSize())
                .fromSources());
    ProgressCounters.reset();
    try (ProgressReporter progress =
        ProgressReporter.start(
            ProgressReporter.localCounters(),
            Duration.ofSeconds(o.getProgressSeconds()),
            System.err::println)) {
      p.run().waitUntilFinish();
    }
    System.err.printf("done in %.1f s (since main)%n", (System.nanoTime() - start) / 1e9);
    if (o.getThreadCpu()) {
      printThreadCpu();
    }
  }

  /** CPU seconds by thread-name group, from /proc (Linux): where the process spent its time. */
  private static void printThreadCpu() throws IOException {
    java.util.Map<String, Double> byGroup = new java.util.TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        String group = name.replaceAll("[0-9#-]+$", "").replaceAll("[0-9]+", "N");
        byGroup.merge(group, seconds, Double::sum);
      }
    }
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() >= 0.1)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> System.err.printf("cpu %-28s %6.1f s%n", e.getKey(), e.getValue()));
  }

  private static void prepare(Path out, boolean overwrite) throws IOException {
    if (!Files.isDirectory(out)) {
      return;
    }
    try (Stream<Path> files = Files.list(out)) {
      if (files.findAny().isEmpty()) {
        return;
      }
    }
    if (!overwrite) {
      throw new IllegalArgumentException(out + " is not empty; pass --overwrite=true");
    }
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f)
            && (name.endsWith(".avro") || name.endsWith(".jsonl") || name.endsWith(".json")
                || name.endsWith(".inprogress"))) {
          Files.delete(f);
        }
      }
    }
  }
}
