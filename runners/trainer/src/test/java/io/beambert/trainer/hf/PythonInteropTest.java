package io.beambert.trainer.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.text.BertTokenizer;
import io.beambert.text.Vocab;
import io.beambert.trainer.data.Batch;
import io.beambert.trainer.data.BatchLoader;
import io.beambert.trainer.data.ShardSet;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.Tensors;
import io.beambert.trainer.testing.PythonEnv;
import io.beambert.trainer.testing.TestData;
import io.beambert.trainer.train.BatchArrays;
import io.beambert.trainer.train.TrainJob;
import io.beambert.trainer.train.TrainOptions;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The acceptance that beambert trains a standard BERT: a model trained on real shards, written as
 * a Hugging Face folder, loads in Python with {@code transformers.BertForPreTraining} and {@code
 * AutoTokenizer}, and gives our logits and our token ids.
 */
class PythonInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void huggingFaceLoadsOurModelAndAgreesWithOurForwardPass() throws Exception {
    Path shards = TestData.sample();
    Path run = Path.of("target", "interop-run");
    Path model = TrainJob.run(TrainOptions.parse("--input=" + shards, "--vocab=" + TestData.vocab(),
        "--output=" + run, "--overwrite=true", "--steps=3", "--batchSize=8",
        "--learningRate=1e-3", "--warmupSteps=0", "--schedule=constant"), new PrintStream(
            PrintStream.nullOutputStream()));

    Path expected = run.resolve("expected.safetensors");
    Path scaled = run.resolve("scaled-model");
    int instances = 32;
    try (NDManager manager = NDManager.newBaseManager()) {
      BertForPreTraining bert =
          BertForPreTraining.create(HuggingFaceFolder.readConfig(model), manager, 0);
      assertEquals(List.of(), HuggingFaceFolder.load(model, bert));
      // Three steps leave the weights near their initial scale, where attention is nearly uniform
      // and GELU nearly linear: a wrong attention scale or GELU form would hide inside 1e-4. The
      // encoder's weights are scaled up 10x (standard deviation about 0.2) for the comparison.
      for (Map.Entry<String, Parameter> e : bert.namedParameters().entrySet()) {
        if (e.getKey().startsWith("bert.encoder.") && e.getKey().endsWith(".weight")
            && !e.getKey().contains("LayerNorm")) {
          float[] v = Tensors.read(e.getValue());
          for (int i = 0; i < v.length; i++) {
            v[i] *= 10;
          }
          Tensors.write(e.getValue(), v);
        }
      }
      Files.createDirectories(scaled);
      HuggingFaceFolder.write(scaled, bert, Vocab.load(model.resolve("vocab.txt")), true);
      Batch batch;
      try (BatchLoader loader = BatchLoader.evaluation(ShardSet.resolve(shards.toString()),
          instances, instances, bert.config().vocabSize())) {
        batch = loader.next();
      }
      assertEquals(instances, batch.size());
      NDList out = bert.forward(new ParameterStore(manager, false),
          BatchArrays.of(manager, batch).inputs(), false);
      long[] tokens = {batch.size(), batch.length()};
      long[] slots = {batch.size(), batch.predictions()};
      Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
      t.put("input_ids", SafeTensors.Tensor.of(batch.inputIds(), tokens));
      t.put("token_type_ids", SafeTensors.Tensor.of(batch.tokenTypes(), tokens));
      t.put("attention_mask", SafeTensors.Tensor.of(batch.inputMask(), tokens));
      t.put("masked_lm_positions", SafeTensors.Tensor.of(batch.maskedPositions(), slots));
      t.put("mlm_logits", SafeTensors.Tensor.of(out.get(0).toFloatArray(), batch.size(),
          batch.predictions(), bert.config().vocabSize()));
      t.put("nsp_logits", SafeTensors.Tensor.of(out.get(1).toFloatArray(), batch.size(), 2));
      SafeTensors.write(expected, t, Map.of());
    }

    Path tokens = run.resolve("tokens.jsonl");
    Vocab vocab = Vocab.load(scaled.resolve("vocab.txt"));
    BertTokenizer tokenizer = new BertTokenizer(vocab, true);
    int lines = 0;
    try (BufferedWriter w = Files.newBufferedWriter(tokens, StandardCharsets.UTF_8)) {
      for (String line : Files.readAllLines(TestData.sampleCorpus(), StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        List<Integer> ids = new ArrayList<>();
        ids.add(vocab.idOf("[CLS]"));
        for (int id : tokenizer.tokenizeToIds(line)) {
          ids.add(id);
        }
        ids.add(vocab.idOf("[SEP]"));
        w.write(JSON.writeValueAsString(Map.of("text", line, "ids", ids)));
        w.newLine();
        lines++;
      }
    }

    PythonEnv.Result result = PythonEnv.runScript("check_hf_folder.py", scaled.toString(),
        expected.toString(), tokens.toString());
    assertEquals(0, result.exitCode(), "the Python check failed: " + result.stdout());
    JsonNode report = JSON.readTree(result.lastLine());
    assertEquals(instances, report.path("instances").asInt());
    assertTrue(report.path("mlm_max_abs_diff").asDouble() <= 1e-4, report.toString());
    assertTrue(report.path("nsp_max_abs_diff").asDouble() <= 1e-4, report.toString());
    assertEquals(lines, report.path("tokenizer_lines").asInt());
    assertEquals(0, report.path("tokenizer_lines_differing").asInt(), report.toString());
    assertEquals(0, report.path("failures").size(), report.toString());
  }
}
