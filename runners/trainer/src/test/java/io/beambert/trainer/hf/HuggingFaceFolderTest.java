package io.beambert.trainer.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.beambert.text.Vocab;
import io.beambert.trainer.model.BertConfig;
import io.beambert.trainer.model.BertForPreTraining;
import io.beambert.trainer.model.Tensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceFolderTest {
  private static final BertConfig CONFIG =
      new BertConfig(40, 16, 2, 2, 32, 24, 2, 0.1f, 0.1f, 1e-12f, 0.02f);
  private NDManager manager;
  private Vocab vocab;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    List<String> tokens = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    for (int i = tokens.size(); i < CONFIG.vocabSize(); i++) {
      tokens.add("w" + i);
    }
    vocab = Vocab.of(tokens);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void exportImportExportGivesIdenticalTensors(@TempDir Path tmp) throws IOException {
    Path first = Files.createDirectories(tmp.resolve("a"));
    HuggingFaceFolder.write(first, BertForPreTraining.create(CONFIG, manager, 1), vocab, true);
    BertForPreTraining other = BertForPreTraining.create(CONFIG, manager, 2);
    assertEquals(List.of(), HuggingFaceFolder.load(first, other));
    assertEquals(CONFIG, HuggingFaceFolder.readConfig(first));
    Path second = Files.createDirectories(tmp.resolve("b"));
    HuggingFaceFolder.write(second, other, vocab, true);
    SafeTensors.Reader a = SafeTensors.open(first.resolve(HuggingFaceFolder.WEIGHTS));
    SafeTensors.Reader b = SafeTensors.open(second.resolve(HuggingFaceFolder.WEIGHTS));
    assertEquals(new ArrayList<>(a.names()), new ArrayList<>(b.names()));
    assertEquals(other.namedParameters().keySet(), a.names());
    for (String name : a.names()) {
      assertEquals(a.bytes(name), b.bytes(name), name);
    }
    assertEquals(-1, Files.mismatch(first.resolve(HuggingFaceFolder.WEIGHTS),
        second.resolve(HuggingFaceFolder.WEIGHTS)));
    for (String file : List.of("config.json", "vocab.txt", "tokenizer.json",
        "tokenizer_config.json", "special_tokens_map.json")) {
      assertEquals(-1, Files.mismatch(first.resolve(file), second.resolve(file)), file);
    }
  }

  @Test
  void readsHuggingFacesOlderNamesAndBareEncoders(@TempDir Path tmp) throws IOException {
    BertForPreTraining source = BertForPreTraining.create(CONFIG, manager, 3);
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
    source.namedParameters().forEach((name, p) -> {
      if (name.startsWith("bert.")) {
        String key = name.substring("bert.".length())
            .replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
        tensors.put(key, SafeTensors.Tensor.of(Tensors.read(p), p.getArray().getShape().getShape()));
      }
    });
    tensors.put("embeddings.position_ids", SafeTensors.Tensor.of(new long[24], 1, 24));
    Path dir = Files.createDirectories(tmp.resolve("bare"));
    HuggingFaceFolder.write(dir, source, vocab, true);
    SafeTensors.write(dir.resolve(HuggingFaceFolder.WEIGHTS), tensors, Map.of());
    BertForPreTraining target = BertForPreTraining.create(CONFIG, manager, 4);
    List<String> missing = HuggingFaceFolder.load(dir, target);
    assertEquals(List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight",
        "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.transform.LayerNorm.bias", "cls.seq_relationship.weight",
        "cls.seq_relationship.bias"), missing);
    String name = "bert.encoder.layer.1.attention.output.LayerNorm.bias";
    assertArrayEquals(Tensors.read(source.namedParameters().get(name)),
        Tensors.read(target.namedParameters().get(name)));
  }

  @Test
  void refusesWhatIsNotThisBert(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    HuggingFaceFolder.write(dir, BertForPreTraining.create(CONFIG, manager, 1), vocab, true);
    BertConfig deeper = new BertConfig(40, 16, 3, 2, 32, 24, 2, 0.1f, 0.1f, 1e-12f, 0.02f);
    BertConfig wider = new BertConfig(40, 32, 2, 2, 32, 24, 2, 0.1f, 0.1f, 1e-12f, 0.02f);
    IOException missing = assertThrows(IOException.class,
        () -> HuggingFaceFolder.load(dir, BertForPreTraining.create(deeper, manager, 1)));
    assertTrue(missing.getMessage().contains("lacks the encoder parameter bert.encoder.layer.2"),
        missing.getMessage());
    IOException shape = assertThrows(IOException.class,
        () -> HuggingFaceFolder.load(dir, BertForPreTraining.create(wider, manager, 1)));
    assertTrue(shape.getMessage().contains("has shape [40, 16] but the model expects [40, 32]"),
        shape.getMessage());

    Path gpt = Files.createDirectories(tmp.resolve("gpt"));
    Files.writeString(gpt.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_layer\": 2}");
    IOException notBert = assertThrows(IOException.class, () -> HuggingFaceFolder.readConfig(gpt));
    assertTrue(notBert.getMessage().contains("'gpt2' model, not a BERT"), notBert.getMessage());
    IOException empty = assertThrows(IOException.class,
        () -> HuggingFaceFolder.readConfig(Files.createDirectories(tmp.resolve("empty"))));
    assertTrue(empty.getMessage().contains("has no config.json"), empty.getMessage());
  }

  @Test
  void safetensorsRoundTripAndDamage(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("t.safetensors");
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    t.put("f", SafeTensors.Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, 2, 3));
    t.put("i", SafeTensors.Tensor.of(new long[] {5, -6}, 2));
    SafeTensors.write(file, t, Map.of("format", "pt"));
    SafeTensors.Reader r = SafeTensors.open(file);
    assertEquals(List.of("f", "i"), new ArrayList<>(r.names()));
    assertArrayEquals(new long[] {2, 3}, r.shape("f"));
    assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, r.floats("f"));
    assertArrayEquals(new long[] {5, -6}, r.longs("i"));
    assertEquals(Map.of("format", "pt"), r.metadata());
    // The data start is aligned to 8 bytes, as the format recommends.
    ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0, head.getLong() % 8);

    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 4);
    }
    IOException e = assertThrows(IOException.class, () -> SafeTensors.open(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void halfPrecisionValuesWiden() {
    assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
    assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001));
    assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
  }
}
