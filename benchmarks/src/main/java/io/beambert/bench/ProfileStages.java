package io.beambert.bench;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.TrainingInstance;
import io.beambert.instances.distributed.AvroInstanceEncoder;
import io.beambert.instances.distributed.ContentId;
import io.beambert.instances.distributed.PoolGenerator;
import io.beambert.schemas.PretrainingInstance;
import io.beambert.text.BertTokenizer;
import io.beambert.text.PyStr;
import io.beambert.text.Utf8Lines;
import io.beambert.text.Vocab;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Single-threaded profile of the distributed generator's stages on one corpus file: CPU seconds
 * of this thread for reading and splitting, tokenizing, generating (packing, pairing, truncation,
 * masking, the pool store and shuffle), Avro datum encoding, and writing with each codec.
 *
 * <pre>
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   io.beambert.bench.ProfileStages CORPUS.txt VOCAB.txt OUT_DIR [POOL_SIZE]
 * </pre>
 */
public final class ProfileStages {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private ProfileStages() {}

  private static double cpu() {
    return CPU.getCurrentThreadCpuTime() / 1e9;
  }

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    Path corpus = Path.of(args[0]);
    List<String> vocabLines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
    Path out = Path.of(args[2]);
    int poolSize = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    Files.createDirectories(out);
    long bytes = Files.size(corpus);

    double t = cpu();
    List<String> ids = new ArrayList<>();
    List<List<String>> docs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    try (InputStream in = Files.newInputStream(corpus);
        Utf8Lines lines = new Utf8Lines(in)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        String s = PyStr.strip(line);
        if (s.isEmpty()) {
          if (!current.isEmpty()) {
            ids.add(ContentId.of(current));
            docs.add(current);
            current = new ArrayList<>();
          }
        } else {
          current.add(s);
        }
      }
    }
    if (!current.isEmpty()) {
      ids.add(ContentId.of(current));
      docs.add(current);
    }
    double read = cpu() - t;

    t = cpu();
    BertTokenizer tokenizer = new BertTokenizer(Vocab.of(vocabLines), true);
    List<int[][]> tokens = new ArrayList<>();
    long tokenCount = 0;
    for (List<String> doc : docs) {
      List<int[]> sentences = new ArrayList<>();
      for (String s : doc) {
        int[] x = tokenizer.tokenizeToIds(s);
        if (x.length > 0) {
          sentences.add(x);
          tokenCount += x.length;
        }
      }
      tokens.add(sentences.toArray(new int[0][]));
    }
    double tokenize = cpu() - t;

    // Sort by id and cut into pools of poolSize (the order within a pool is all that matters).
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> ids.get(a).compareTo(ids.get(b)));
    InstanceOptions options = InstanceOptions.defaults();
    PoolGenerator generator = new PoolGenerator(options, InstanceVocab.fromTokens(vocabLines));
    List<List<String>> poolIds = new ArrayList<>();
    List<List<int[][]>> poolDocs = new ArrayList<>();
    for (int from = 0; from < order.length; from += poolSize) {
      List<String> pIds = new ArrayList<>();
      List<int[][]> pDocs = new ArrayList<>();
      for (int k = from; k < Math.min(order.length, from + poolSize); k++) {
        pIds.add(ids.get(order[k]));
        pDocs.add(tokens.get(order[k]));
      }
      poolIds.add(pIds);
      poolDocs.add(pDocs);
    }
    t = cpu();
    List<TrainingInstance> instances = new ArrayList<>();
    for (int p = 0; p < poolIds.size(); p++) {
      generator.generate(poolIds.get(p), poolDocs.get(p), "p" + p * poolSize, instances::add, f -> {
        throw f.cause();
      });
    }
    double generate = cpu() - t;

    AvroInstanceEncoder encoder = new AvroInstanceEncoder(128, 20);
    t = cpu();
    long[] encodedTotal = {0};
    for (int p = 0; p < poolIds.size(); p++) {
      generator.generateEncoded(poolIds.get(p), poolDocs.get(p), "p" + p * poolSize, encoder,
          (b, off, len) -> encodedTotal[0] += len, f -> {
            throw f.cause();
          });
    }
    double generateEncoded = cpu() - t;
    t = cpu();
    List<byte[]> encoded = new ArrayList<>(instances.size());
    long encodedBytes = 0;
    for (TrainingInstance i : instances) {
      int n = encoder.encode(i);
      encoded.add(java.util.Arrays.copyOf(encoder.buffer(), n));
      encodedBytes += n;
    }
    double encode = cpu() - t;

    System.out.printf(
        "corpus %,d bytes, %,d documents, %,d tokens, %,d instances, %,d Avro datum bytes%n",
        bytes, docs.size(), tokenCount, instances.size(), encodedBytes);
    System.out.printf("read+split+ids  %6.2f s CPU%n", read);
    System.out.printf("tokenize        %6.2f s CPU%n", tokenize);
    System.out.printf("generate        %6.2f s CPU (pools of %d)%n", generate, poolSize);
    System.out.printf("encode          %6.2f s CPU (copying each datum)%n", encode);
    System.out.printf("generate+encode %6.2f s CPU (pools kept as encoded datums, as the pipeline does)%n",
        generateEncoded);
    for (String codec : List.of("null", "snappy", "deflate-1")) {
      t = cpu();
      Path file = out.resolve("profile-" + codec + ".avro");
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
          DataFileWriter<PretrainingInstance> w =
              new DataFileWriter<>(new SpecificDatumWriter<>(PretrainingInstance.class))) {
        w.setCodec(
            codec.startsWith("deflate-")
                ? CodecFactory.deflateCodec(Integer.parseInt(codec.substring(8)))
                : CodecFactory.fromString(codec));
        w.create(PretrainingInstance.getClassSchema(), os);
        for (byte[] b : encoded) {
          w.appendEncoded(ByteBuffer.wrap(b));
        }
      }
      System.out.printf(
          "write %-10s %6.2f s CPU, %,d bytes%n", codec, cpu() - t, Files.size(file));
      Files.delete(file);
    }
  }
}
