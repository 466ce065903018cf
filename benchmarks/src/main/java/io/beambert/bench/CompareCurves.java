package io.beambert.bench;

import io.beambert.trainer.train.LearningCurve;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Draws the held-out masked-LM accuracy of several training runs in one PNG.
 *
 * <pre>
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   io.beambert.bench.CompareCurves --run='static masking=RUN1/metrics.jsonl' \
 *   --run='dynamic masking=RUN2/metrics.jsonl' --title=TITLE --output=curves.png
 * </pre>
 */
public final class CompareCurves {
  private CompareCurves() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    ToolArgs opts = ToolArgs.parse(args);
    Map<String, Path> runs = new LinkedHashMap<>();
    for (String run : opts.all("run")) {
      int eq = run.lastIndexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--run takes LABEL=METRICS_FILE, got " + run);
      }
      runs.put(run.substring(0, eq), Path.of(run.substring(eq + 1)));
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("give at least one --run=LABEL=METRICS_FILE");
    }
    Path png = Path.of(opts.single("output", null));
    LearningCurve.drawHeldOut(runs, opts.single("title", "held-out masked-LM accuracy"), png);
    System.err.println("wrote " + png);
  }
}
