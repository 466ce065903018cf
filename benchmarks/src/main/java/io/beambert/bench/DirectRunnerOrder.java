package io.beambert.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;

/**
 * In which order a runner runs three transforms over the groups of a GroupByKey: prints "A k", "B
 * k", "C k" as each group passes each step. On the DirectRunner every group passes A before any
 * enters B, which is why the per-pool steps are chained and run by WriteShards (README, "Transforms
 * API").
 *
 * <pre>
 * java -cp pipelines/target/beambert.jar:benchmarks/target/classes \
 *   io.beambert.bench.DirectRunnerOrder --targetParallelism=2   (the jar brings the DirectRunner)
 * </pre>
 */
public final class DirectRunnerOrder {
  private DirectRunnerOrder() {}

  /** Entry point; Beam options as arguments. */
  public static void main(String[] args) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(args).create());
    List<Integer> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      values.add(i);
    }
    p.apply(Create.of(values))
        .apply(WithKeys.of((Integer x) -> x % 20))
        .setCoder(KvCoder.of(VarIntCoder.of(), VarIntCoder.of()))
        .apply(GroupByKey.create())
        .apply("A", ParDo.of(new Step<KV<Integer, Iterable<Integer>>>("A")))
        .apply("B", ParDo.of(new Step<Integer>("B")))
        .apply("C", ParDo.of(new Step<Integer>("C")));
    p.run().waitUntilFinish();
  }

  /** Prints its name and the group's key, then passes the key on. */
  private static final class Step<T> extends DoFn<T, Integer> {
    private final String name;

    Step(String name) {
      this.name = name;
    }

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void process(@Element T element, OutputReceiver<Integer> out)
        throws InterruptedException {
      int key = element instanceof KV ? ((KV<Integer, ?>) element).getKey() : (Integer) element;
      Thread.sleep(20); // long enough for the runner to schedule other work meanwhile
      System.out.println(name + " " + key);
      out.output(key);
    }
  }
}
