package io.beambert.bench;

import io.beambert.instances.InstanceOptions;
import io.beambert.instances.InstanceVocab;
import io.beambert.instances.distributed.ContentId;
import io.beambert.instances.distributed.PoolData;
import io.beambert.instances.distributed.PoolStep;
import io.beambert.instances.distributed.PoolSteps;
import io.beambert.schemas.PretrainingInstance;
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
 * Single-threaded profile of the distributed mode's steps on one corpus file: CPU seconds of this
 * thread for reading and splitting, then each per-pool step over all pools (tokenize, pack, pair,
 * truncate, mask with Avro datum encoding and the pool's shuffle), and writing with each codec.
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

    // Sort by id and cut into pools of poolSize, then run each step over every pool, timed.
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> ids.get(a).compareTo(ids.get(b)));
    InstanceOptions options = InstanceOptions.defaults();
    Vocab vocab = Vocab.of(vocabLines);
    List<PoolData> pools = new ArrayList<>();
    for (int from = 0; from < order.length; from += poolSize) {
      List<String> pIds = new ArrayList<>();
      List<String> pTexts = new ArrayList<>();
      for (int k = from; k < Math.min(order.length, from + poolSize); k++) {
        pIds.add(ids.get(order[k]));
        pTexts.add(String.join("\n", docs.get(order[k])));
      }
      pools.add(new PoolData(pools.size(), (order.length + poolSize - 1) / poolSize, pIds, pTexts));
    }
    List<PoolStep> steps =
        List.of(
            PoolSteps.tokenize(vocab, options),
            PoolSteps.pack(options),
            PoolSteps.pair(options),
            PoolSteps.truncate(options),
            PoolSteps.mask(options, InstanceVocab.from(vocab)));
    double[] seconds = new double[steps.size()];
    for (int k = 0; k < steps.size(); k++) {
      t = cpu();
      for (PoolData pool : pools) {
        pool.apply(steps.get(k));
      }
      seconds[k] = cpu() - t;
    }
    List<byte[]> encoded = new ArrayList<>();
    long encodedBytes = 0;
    long tokenCount = 0;
    for (PoolData pool : pools) {
      pool.writeInstances((b, off, len) -> encoded.add(java.util.Arrays.copyOfRange(b, off, off + len)));
      tokenCount += pool.counts().getTokens();
    }
    for (byte[] e : encoded) {
      encodedBytes += e.length;
    }

    System.out.printf(
        "corpus %,d bytes, %,d documents, %,d tokens, %,d instances, %,d Avro datum bytes%n",
        bytes, docs.size(), tokenCount, encoded.size(), encodedBytes);
    System.out.printf("read+split+ids  %6.2f s CPU%n", read);
    for (int k = 0; k < steps.size(); k++) {
      System.out.printf("%-15s %6.2f s CPU (pools of %d)%n", steps.get(k).name(), seconds[k], poolSize);
    }
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
