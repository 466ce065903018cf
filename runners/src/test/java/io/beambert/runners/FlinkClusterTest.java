package io.beambert.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * beambert's jobs on a real Flink 1.19 session cluster: one JobManager and two TaskManagers, each a
 * JVM of its own started by {@code runners/flink/local-cluster.sh} from Maven Central jars, bound to
 * 127.0.0.1 on free ports. Each job is submitted through the command line ({@code java -jar
 * beambert.jar ... --runner=FlinkRunner --flinkMaster=127.0.0.1:PORT}) and its output compared,
 * byte for byte, with the DirectRunner's. The cluster is stopped at the end, and every process it
 * started is killed even when a test fails.
 *
 * <p>Needs the command-line jar ({@code pipelines/target/beambert.jar}), which the build makes
 * before this module.
 */
class FlinkClusterTest {
  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static final Path JAR = ROOT.resolve("pipelines/target/beambert.jar");
  private static final Path SCRIPT = ROOT.resolve("runners/flink/local-cluster.sh");
  private static final Path CORPUS = ROOT.resolve("data/sample/sample-corpus.txt");

  @TempDir static Path tmp;
  private static Path home;
  private static int port;
  private static Path vocab;

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build the pipelines module first");
    String shared = System.getProperty("beambert.shared", ROOT.resolve("../shared").toString());
    vocab = Paths.get(shared, "golden/vocab-bert-base-uncased.txt").toAbsolutePath();
    assertTrue(Files.isRegularFile(vocab), vocab.toString());
    home = tmp.resolve("cluster");
    port = freePort();
    Run started =
        script("start", "--taskmanagers=2", "--slots=2", "--port=" + port, "--rpcPort=" + freePort());
    assertEquals(0, started.exit, started.out + started.err);
    String status = script("status", "--port=" + port).out;
    assertTrue(status.contains("\"taskmanagers\":2"), status);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (home == null) {
      return;
    }
    try {
      script("stop");
    } finally {
      // Whatever the script did, no cluster process outlives the test.
      try (Stream<Path> pids = Files.list(home).filter(p -> p.toString().endsWith(".pid"))) {
        for (Path pid : pids.toList()) {
          ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
              .ifPresent(ProcessHandle::destroyForcibly);
        }
      } catch (IOException e) {
        // no pid files: nothing was started
      }
    }
    for (String name : List.of("jobmanager", "taskmanager-1", "taskmanager-2")) {
      assertTrue(!Files.exists(home.resolve(name + ".pid")), name + " still has a pid file");
    }
  }

  @Test
  void distributedModeWritesTheDirectRunnersBytes() throws Exception {
    Path direct = tmp.resolve("distributed-direct");
    Path flink = tmp.resolve("distributed-flink");
    beambert("pretraining-data", "--input=" + CORPUS, "--vocab=" + vocab, "--output=" + direct);
    beambert("pretraining-data", "--input=" + CORPUS, "--vocab=" + vocab, "--output=" + flink,
        "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port);
    assertSameShards(direct, flink, 2);
  }

  @Test
  void referenceModeWritesTheDirectRunnersBytes() throws Exception {
    Path direct = tmp.resolve("reference-direct");
    Path flink = tmp.resolve("reference-flink");
    beambert("pretraining-data", "--mode=reference", "--input=" + CORPUS, "--vocab=" + vocab,
        "--output=" + direct);
    beambert("pretraining-data", "--mode=reference", "--input=" + CORPUS, "--vocab=" + vocab,
        "--output=" + flink, "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port);
    assertSameShards(direct, flink, 1);
  }

  @Test
  void vocabWritesTheDirectRunnersBytes() throws Exception {
    Path direct = tmp.resolve("vocab-direct");
    Path flink = tmp.resolve("vocab-flink");
    beambert("vocab", "--input=" + CORPUS, "--output=" + direct, "--vocabSize=2000");
    beambert("vocab", "--input=" + CORPUS, "--output=" + flink, "--vocabSize=2000",
        "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port);
    for (String file : List.of("vocab.txt", "tokenizer.json", "vocab-report.json")) {
      assertArrayEquals(Files.readAllBytes(direct.resolve(file)),
          Files.readAllBytes(flink.resolve(file)), file);
    }
    assertTrue(Files.readAllLines(direct.resolve("vocab.txt")).size() > 1000);
  }

  /** The same shard files with the same bytes (at least {@code atLeast} of them). */
  private static void assertSameShards(Path a, Path b, int atLeast) throws IOException {
    List<String> shards = shards(a);
    assertTrue(shards.size() >= atLeast, shards.toString());
    assertEquals(shards, shards(b));
    for (String shard : shards) {
      assertArrayEquals(Files.readAllBytes(a.resolve(shard)), Files.readAllBytes(b.resolve(shard)),
          shard);
    }
    assertTrue(Files.isRegularFile(b.resolve("_metadata.json")));
  }

  private static List<String> shards(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avro")).sorted()
          .toList();
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run script(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd);
    b.environment().put("BEAMBERT_FLINK_HOME", home.toString());
    return run(b, 180);
  }

  /** Runs the command line as {@code bin/beambert} does (a 1 GB heap) and expects success. */
  private static void beambert(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Run r = run(new ProcessBuilder(cmd), 300);
    assertEquals(0, r.exit, String.join(" ", args) + "\n" + r.err);
  }

  private static Run run(ProcessBuilder b, int seconds) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not end within " + seconds + " s: " + b.command());
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
