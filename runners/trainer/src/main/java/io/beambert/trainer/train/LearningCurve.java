package io.beambert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws {@code learning-curve.png} from {@code metrics.jsonl}: training and held-out loss, and
 * training and held-out masked-LM accuracy, against steps (JFreeChart). Training values are shown
 * as logged and as a moving average; held-out values as points.
 *
 * <p>Listening to a run, it redraws at each checkpoint and at the end, so a stopped run keeps a
 * picture of what it did; {@link #draw} also works on any metrics file.
 */
public final class LearningCurve implements TrainingListener {
  public static final String FILE = "learning-curve.png";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 750;

  private final Path runDir;

  public LearningCurve(Path runDir) {
    this.runDir = runDir;
  }

  @Override
  public void onCheckpoint(int step, Path checkpoint) throws IOException {
    draw(runDir.resolve(MetricsLog.FILE), runDir.resolve(FILE));
  }

  @Override
  public void onEnd(int step) throws IOException {
    draw(runDir.resolve(MetricsLog.FILE), runDir.resolve(FILE));
  }

  /** Draws the curves of a metrics file into a PNG, written whole under a temporary name first. */
  public static void draw(Path metrics, Path png) throws IOException {
    XYSeries trainLoss = new XYSeries("training");
    XYSeries trainLossAvg = new XYSeries("training (moving average)");
    XYSeries evalLoss = new XYSeries("held-out");
    XYSeries trainAcc = new XYSeries("training");
    XYSeries trainAccAvg = new XYSeries("training (moving average)");
    XYSeries evalAcc = new XYSeries("held-out");
    XYSeries baseline = new XYSeries("most frequent masked token (held-out)");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
      try {
        lines.add(JSON.readTree(line));
      } catch (IOException e) {
        // a line cut off by a killed run
      }
    }
    long trainLines = lines.stream().filter(n -> "train".equals(n.path("kind").asText())).count();
    int window = (int) Math.max(1, trainLines / 40);
    Deque<double[]> recent = new ArrayDeque<>();
    double lossSum = 0;
    double accSum = 0;
    for (JsonNode n : lines) {
      int step = n.path("step").asInt();
      double loss = n.path("loss").asDouble();
      double acc = 100 * n.path("mlm_accuracy").asDouble();
      if ("eval".equals(n.path("kind").asText())) {
        evalLoss.addOrUpdate(step, loss);
        evalAcc.addOrUpdate(step, acc);
        if (n.has("mlm_majority_baseline")) {
          baseline.addOrUpdate(step, 100 * n.path("mlm_majority_baseline").asDouble());
        }
        continue;
      }
      trainLoss.addOrUpdate(step, loss);
      trainAcc.addOrUpdate(step, acc);
      recent.addLast(new double[] {loss, acc});
      lossSum += loss;
      accSum += acc;
      if (recent.size() > window) {
        double[] old = recent.removeFirst();
        lossSum -= old[0];
        accSum -= old[1];
      }
      trainLossAvg.addOrUpdate(step, lossSum / recent.size());
      trainAccAvg.addOrUpdate(step, accSum / recent.size());
    }
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
    plot.setGap(12);
    plot.add(panel("loss (masked LM + next sentence)", false, trainLoss, trainLossAvg, evalLoss), 1);
    plot.add(panel("masked-LM accuracy (%)", true, trainAcc, trainAccAvg, evalAcc, baseline), 1);
    JFreeChart chart = new JFreeChart("beambert pretraining", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, HEIGHT);
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Draws the held-out masked-LM accuracy of several runs against steps in one PNG, with the first
   * run's most-frequent-token baseline: how masking strategies or settings compare.
   *
   * @param runs a label and a {@code metrics.jsonl} for each run, in legend order
   */
  public static void drawHeldOut(Map<String, Path> runs, String title, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries baseline = null;
    for (Map.Entry<String, Path> run : runs.entrySet()) {
      XYSeries accuracy = new XYSeries(run.getKey());
      XYSeries runBaseline = new XYSeries("most frequent masked token (held-out)");
      for (String line : Files.readAllLines(run.getValue(), StandardCharsets.UTF_8)) {
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          continue; // a line cut off by a killed run
        }
        if ("eval".equals(n.path("kind").asText())) {
          accuracy.addOrUpdate(n.path("step").asInt(), 100 * n.path("mlm_accuracy").asDouble());
          runBaseline.addOrUpdate(n.path("step").asInt(),
              100 * n.path("mlm_majority_baseline").asDouble());
        }
      }
      if (accuracy.isEmpty()) {
        throw new IOException(run.getValue() + " holds no held-out evaluation");
      }
      data.addSeries(accuracy);
      if (baseline == null) {
        baseline = runBaseline;
      }
    }
    data.addSeries(baseline);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {new Color(20, 70, 170), new Color(210, 80, 20), new Color(40, 140, 60),
        new Color(140, 60, 160)};
    for (int i = 0; i < runs.size(); i++) {
      renderer.setSeriesPaint(i, colors[i % colors.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    int last = runs.size();
    renderer.setSeriesPaint(last, Color.GRAY);
    renderer.setSeriesShapesVisible(last, false);
    renderer.setSeriesStroke(last, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    NumberAxis accuracy = new NumberAxis("held-out masked-LM accuracy (%)");
    accuracy.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, new NumberAxis("step"), accuracy, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, 600);
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One panel: raw training values, their moving average, held-out values, then a baseline. */
  private static XYPlot panel(String label, boolean legend, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, new Color(120, 160, 220, 110));
    renderer.setSeriesStroke(0, new BasicStroke(1f));
    renderer.setSeriesPaint(1, new Color(20, 70, 170));
    renderer.setSeriesStroke(1, new BasicStroke(2f));
    renderer.setSeriesPaint(2, new Color(210, 80, 20));
    renderer.setSeriesStroke(2, new BasicStroke(2f));
    renderer.setSeriesShapesVisible(2, true);
    renderer.setSeriesPaint(3, Color.GRAY);
    renderer.setSeriesStroke(3, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
        10f, new float[] {6f, 4f}, 0f));
    for (int i = 0; i < series.length; i++) {
      renderer.setSeriesVisibleInLegend(i, legend);
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
