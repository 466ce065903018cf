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
  private static final Path KAFKA_SCRIPT = ROOT.resolve("runners/kafka/local-kafka.sh");

  private static Path home;
  private static int port;
  private static Path vocab;
  private static Path kafkaHome;
  private static int kafkaPort;

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build the pipelines module first");
    String shared = System.getProperty("beambert.shared", ROOT.resolve("../shared").toString());
    vocab = Paths.get(shared, "golden/vocab-bert-base-uncased.txt").toAbsolutePath();
    assertTrue(Files.isRegularFile(vocab), vocab.toString());
    home = tmp.resolve("cluster");
    port = freePort();
    Run started =
        // One slot each, so that a job of parallelism 2 runs on both TaskManagers.
        script("start", "--taskmanagers=2", "--slots=1", "--port=" + port, "--rpcPort=" + freePort());
    assertEquals(0, started.exit, started.out + started.err);
    String status = script("status", "--port=" + port).out;
    assertTrue(status.contains("\"taskmanagers\":2"), status);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (kafkaHome != null) {
      stopKafka();
    }
    if (home == null) {
      return;
    }
    List<ProcessHandle> started = new ArrayList<>();
    try (Stream<Path> pids = Files.list(home).filter(p -> p.toString().endsWith(".pid"))) {
      for (Path pid : pids.toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(started::add);
      }
    }
    try {
      script("stop");
    } finally {
      // Whatever the script did, no cluster process outlives the test, and none still writes to
      // its folder when the folder is removed.
      for (ProcessHandle p : started) {
        try {
          p.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          p.destroyForcibly();
          p.onExit().get(30, TimeUnit.SECONDS);
        }
      }
    }
    try (Stream<Path> left = Files.list(home).filter(p -> p.toString().endsWith(".pid"))) {
      assertEquals(List.of(), left.toList(), "the script left pid files");
    }
    assertTrue(started.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void distributedModeWritesTheDirectRunnersBytes() throws Exception {
    Path direct = tmp.resolve("distributed-direct");
    Path flink = tmp.resolve("distributed-flink");
    beambert("pretraining-data", "--input=" + CORPUS, "--vocab=" + vocab, "--output=" + direct);
    Run remote = beambert("pretraining-data", "--input=" + CORPUS, "--vocab=" + vocab,
        "--output=" + flink, "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port);
    assertSameShards(direct, flink, 2);
    assertProgressFromTheCluster(remote, flink);
  }

  /**
   * The client runs none of the job, so its progress lines must come from the cluster: the last
   * one counts the instances in {@code _metadata.json}, not 0.
   */
  private static void assertProgressFromTheCluster(Run run, Path output) throws IOException {
    List<String> progress =
        run.err.lines().filter(l -> l.startsWith("progress: ")).toList();
    assertTrue(!progress.isEmpty(), run.err);
    long instances =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(output.resolve("_metadata.json").toFile())
            .get("counts").get("instances").asLong();
    assertTrue(instances > 0);
    String last = progress.get(progress.size() - 1);
    assertTrue(last.contains(String.format(java.util.Locale.ROOT, "instances %,d,", instances)),
        "last progress line '" + last + "', _metadata.json counts " + instances + " instances");
  }

  @Test
  void referenceModeWritesTheDirectRunnersBytes() throws Exception {
    Path direct = tmp.resolve("reference-direct");
    Path flink = tmp.resolve("reference-flink");
    beambert("pretraining-data", "--mode=reference", "--input=" + CORPUS, "--vocab=" + vocab,
        "--output=" + direct);
    Run remote = beambert("pretraining-data", "--mode=reference", "--input=" + CORPUS,
        "--vocab=" + vocab, "--output=" + flink, "--runner=FlinkRunner",
        "--flinkMaster=127.0.0.1:" + port);
    assertSameShards(direct, flink, 1);
    assertProgressFromTheCluster(remote, flink);
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

  /**
   * kill -9 of a TaskManager while a job runs on both, and a replacement started: the cluster's
   * restart strategy reruns the failed tasks and the committed output is the undisturbed run's, byte
   * for byte, with no temporary file left.
   */
  @Test
  void aKilledTaskManagerChangesNothingInTheOutput() throws Exception {
    Path corpus = corpus3mb();
    Path direct = tmp.resolve("killed-direct");
    beambert("pretraining-data", "--input=" + corpus, "--vocab=" + vocab, "--output=" + direct);
    Path flink = tmp.resolve("killed-flink");
    killATaskManagerDuring("pretraining-data", "--input=" + corpus, "--vocab=" + vocab,
        "--output=" + flink, "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port,
        "--parallelism=2");
    assertEquals(entries(direct), entries(flink));
    assertSameShards(direct, flink, 10);

    Path vocabDirect = tmp.resolve("killed-vocab-direct");
    beambert("vocab", "--input=" + corpus, "--output=" + vocabDirect, "--vocabSize=3000");
    Path vocabFlink = tmp.resolve("killed-vocab-flink");
    killATaskManagerDuring("vocab", "--input=" + corpus, "--output=" + vocabFlink,
        "--vocabSize=3000", "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port,
        "--parallelism=2");
    assertEquals(entries(vocabDirect), entries(vocabFlink));
    for (String file : List.of("vocab.txt", "tokenizer.json", "vocab-report.json")) {
      assertArrayEquals(Files.readAllBytes(vocabDirect.resolve(file)),
          Files.readAllBytes(vocabFlink.resolve(file)), file);
    }
  }

  // ---- Streaming: a Kafka broker (KRaft, 127.0.0.1) started once, for the tests that need it ----

  /** Starts the broker on free ports the first time a test needs it. */
  private static synchronized String kafka() throws Exception {
    if (kafkaHome == null) {
      kafkaHome = tmp.resolve("kafka");
      kafkaPort = freePort();
      Run started = kafkaScript("start", "--port=" + kafkaPort, "--controllerPort=" + freePort());
      assertEquals(0, started.exit, started.out + started.err);
    }
    return "127.0.0.1:" + kafkaPort;
  }

  private static void stopKafka() throws Exception {
    Path pid = kafkaHome.resolve("kafka.pid");
    ProcessHandle broker = Files.exists(pid)
        ? ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElse(null) : null;
    try {
      kafkaScript("stop");
    } finally {
      if (broker != null) {
        broker.destroyForcibly();
        broker.onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Run kafkaScript(String... args) throws Exception {
    return runScript(KAFKA_SCRIPT, "BEAMBERT_KAFKA_HOME", kafkaHome, args);
  }

  /** Sends the sample corpus to {@code topic}, one message per document; returns how many. */
  private static long produce(String topic, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("produce", topic, CORPUS.toString(),
        "--port=" + kafkaPort));
    args.addAll(List.of(options));
    Run r = kafkaScript(args.toArray(String[]::new));
    assertEquals(0, r.exit, r.err);
    return Long.parseLong(r.out.strip());
  }

  /** A streaming client: {@code pretraining-data --streaming} with a 1 GB heap, its log in a file. */
  private static Process stream(Path log, String... args) throws IOException {
    List<String> cmd = beambertCommand(
        "pretraining-data", "--streaming", "--vocab=" + vocab, "--windowSeconds=3");
    cmd.addAll(List.of(args));
    return start(cmd, log);
  }

  /** The manifest's total of committed documents (0 before the first commit). */
  private static long committedDocuments(Path out) throws IOException {
    Path manifest = out.resolve("_manifest.json");
    return Files.exists(manifest)
        ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile())
            .path("documents_used").asLong()
        : 0;
  }

  /** Waits until the committed documents reach {@code expected}; fails past it or on time out. */
  private static void awaitCommitted(Path out, long expected, Process client, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    long seen;
    while ((seen = committedDocuments(out)) < expected) {
      assertTrue(client.isAlive(), "the client ended: " + Files.readString(log));
      assertTrue(System.nanoTime() < deadline,
          seen + " of " + expected + " documents committed after 180 s: " + Files.readString(log));
      Thread.sleep(200);
    }
    assertEquals(expected, seen, "documents committed twice");
  }

  /**
   * Every committed pane's folder is complete (its shard and {@code _metadata.json}); the
   * manifest lists exactly them, their documents add up to the manifest's total, and no temporary
   * folder or lock is left once the client has stopped.
   */
  private static void assertCommittedWindows(Path out) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var manifest = json.readTree(out.resolve("_manifest.json").toFile());
    List<String> folders;
    try (Stream<Path> s = Files.list(out)) {
      folders = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("window-"))
          .sorted().toList();
    }
    List<String> listed = new ArrayList<>();
    long documents = 0;
    for (var w : manifest.path("windows")) {
      listed.add(w.path("folder").asText());
      Path folder = out.resolve(w.path("folder").asText());
      var meta = json.readTree(folder.resolve("_metadata.json").toFile());
      assertEquals(w.path("documents_used").asLong(), meta.path("counts").path("documents_used").asLong());
      assertTrue(Files.isRegularFile(folder.resolve("part-00000-of-00001.avro")), folder.toString());
      documents += w.path("documents_used").asLong();
    }
    assertEquals(folders, listed);
    assertEquals(manifest.path("documents_used").asLong(), documents);
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".")).toList(), "temporary folders or a lock left");
    }
  }

  /** Stops a streaming client as Ctrl-C does and expects its one-line report. */
  private static void stopClient(Process client, Path log) throws Exception {
    client.destroy(); // SIGTERM
    assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the client did not stop");
    String text = Files.readString(log);
    assertTrue(text.contains("pretraining-data: stopped; "), text);
  }

  /**
   * A Kafka topic read on the DirectRunner: documents sent before the job starts and while it
   * runs are each committed once, in windows committed as they close; stopping the client leaves
   * only complete folders.
   */
  @Test
  void aKafkaTopicBecomesCommittedWindows() throws Exception {
    String servers = kafka();
    long first = produce("direct-docs");
    Path out = tmp.resolve("kafka-direct");
    Path log = Files.createTempFile(tmp, "kafka-direct", ".txt");
    Process client = stream(log, "--input=kafka://" + servers + "/direct-docs",
        "--output=" + out, "--kafkaGroup=direct");
    try {
      awaitCommitted(out, first, client, log);
      long second = produce("direct-docs", "--perSecond=200");
      awaitCommitted(out, first + second, client, log);
      Thread.sleep(4000); // a window later: still nothing twice
      assertEquals(first + second, committedDocuments(out));
      stopClient(client, log);
    } finally {
      client.destroyForcibly();
    }
    assertCommittedWindows(out);
  }

  /**
   * A watched folder on the DirectRunner: a window is committed while the watch goes on (the
   * client still runs and waits for files), and the job ends once no file came for a while.
   */
  @Test
  void aWatchedFolderCommitsWindowsWhileItIsWatched() throws Exception {
    watchFolder("watched-direct");
  }

  /** On the cluster, where Beam's file watch holds every window until it ends, it is refused. */
  @Test
  void aWatchedFolderIsRefusedOnTheCluster() throws Exception {
    Path log = Files.createTempFile(tmp, "watched-flink", ".txt");
    Process client = stream(log, "--input=" + tmp.resolve("nothing") + "/*.txt",
        "--output=" + tmp.resolve("watched-flink-out"), "--runner=FlinkRunner",
        "--flinkMaster=127.0.0.1:" + port);
    assertTrue(client.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, client.exitValue(), Files.readString(log));
    assertTrue(Files.readString(log).contains("a watched folder is read on the DirectRunner only"),
        Files.readString(log));
    assertTrue(!Files.exists(tmp.resolve("watched-flink-out")));
  }

  /** Watches a folder; writes two files and waits for each one's documents to be committed. */
  private static void watchFolder(String name) throws Exception {
    Path in = Files.createDirectories(tmp.resolve(name));
    Path out = tmp.resolve(name + "-out");
    Path log = Files.createTempFile(tmp, name, ".txt");
    List<String> docs = List.of(Files.readString(CORPUS).split("\n\\s*\n"));
    Process client = stream(log, "--input=" + in + "/*.txt", "--output=" + out,
        "--pollSeconds=1", "--stopAfterIdleSeconds=15");
    try {
      Thread.sleep(3000); // the job is watching
      Files.writeString(in.resolve("a.txt"), String.join("\n\n", docs.subList(0, 100)));
      awaitCommitted(out, 100, client, log);
      Files.writeString(in.resolve("b.txt"), String.join("\n\n", docs.subList(100, 150)));
      awaitCommitted(out, 150, client, log);
      assertTrue(client.waitFor(120, TimeUnit.SECONDS), "the watch did not end when idle");
      assertEquals(0, client.exitValue(), Files.readString(log));
    } finally {
      client.destroyForcibly();
    }
    assertEquals(150, committedDocuments(out));
    assertCommittedWindows(out);
  }

  /**
   * A Kafka topic read on the cluster with checkpoints every second: a TaskManager killed with
   * SIGKILL while documents flow, and a replacement started; the job restores its last checkpoint
   * and every document sent is committed in exactly one window.
   */
  @Test
  void aKilledTaskManagerLosesAndRepeatsNoDocumentOfAStream() throws Exception {
    String servers = kafka();
    Run topic = kafkaScript("topic", "flink-docs", "2", "--port=" + kafkaPort);
    assertEquals(0, topic.exit, topic.err);
    Path out = tmp.resolve("kafka-flink");
    Path log = Files.createTempFile(tmp, "kafka-flink", ".txt");
    String job = "stream-" + System.nanoTime();
    long failuresBefore = failuresInJobManagerLog();
    Process client = stream(log, "--input=kafka://" + servers + "/flink-docs",
        "--output=" + out, "--kafkaGroup=flink", "--runner=FlinkRunner",
        "--flinkMaster=127.0.0.1:" + port, "--parallelism=2", "--checkpointingInterval=1000",
        "--jobName=" + job);
    try {
      awaitRunning(job, client, log);
      Thread.sleep(3000); // a checkpoint or two before the documents
      java.util.concurrent.CompletableFuture<Long> sent =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return produce("flink-docs", "--perSecond=50");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      Thread.sleep(2500); // documents flowing
      killATaskManagerAndStartAnother();
      long documents = sent.get(120, TimeUnit.SECONDS);
      awaitCommitted(out, documents, client, log);
      Thread.sleep(6000); // two windows and checkpoints later: still nothing twice
      assertEquals(documents, committedDocuments(out));
      assertTrue(failuresInJobManagerLog() > failuresBefore,
          "the kill hit no task of the job (no task failed in the JobManager's log)");
      stopClient(client, log);
      assertEquals("CANCELED", jobState(job));
    } finally {
      client.destroyForcibly();
    }
    assertCommittedWindows(out);
  }

  /** The sample corpus ten times over (about 3 MB: a job of several seconds on the cluster). */
  private static Path corpus3mb() throws IOException {
    Path corpus = tmp.resolve("corpus-3mb.txt");
    if (!Files.exists(corpus)) {
      byte[] sample = Files.readAllBytes(CORPUS);
      try (var out = Files.newOutputStream(corpus)) {
        for (int i = 0; i < 10; i++) {
          out.write(sample);
          out.write('\n');
        }
      }
    }
    return corpus;
  }

  /**
   * A client stopped (SIGTERM, as Ctrl-C) while its job runs cancels the job on the cluster and
   * removes what it wrote; a client killed with SIGKILL cannot, and its job goes on: until the job
   * commits, the folder holds nothing that looks complete (no {@code _metadata.json}, no shard
   * under its final name), and what it commits is the undisturbed run's bytes.
   */
  @Test
  void aStoppedOrKilledClientLeavesNothingThatLooksComplete() throws Exception {
    Path corpus = corpus3mb();
    Path stopped = tmp.resolve("client-stopped");
    String job = "client-stopped-" + System.nanoTime();
    Process client = submitAndWaitUntilRunning(job, "--input=" + corpus, "--output=" + stopped);
    client.destroy(); // SIGTERM
    assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the stopped client did not exit");
    assertEquals("CANCELED", jobState(job));
    assertTrue(!Files.exists(stopped.resolve("_metadata.json")));
    try (Stream<Path> left = Files.list(stopped)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString())
          .filter(n -> n.contains("part-")).toList(), "shards left after a stopped client");
    }

    Path direct = tmp.resolve("client-direct");
    beambert("pretraining-data", "--input=" + corpus, "--vocab=" + vocab, "--output=" + direct);
    Path killed = tmp.resolve("client-killed");
    job = "client-killed-" + System.nanoTime();
    client = submitAndWaitUntilRunning(job, "--input=" + corpus, "--output=" + killed);
    client.destroyForcibly(); // SIGKILL: no hook runs
    assertTrue(client.waitFor(30, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    String state;
    while (!(state = jobState(job)).equals("FINISHED")) {
      assertTrue(state.equals("RUNNING") || state.equals("CREATED"), state);
      assertTrue(System.nanoTime() < deadline, "the orphaned job did not end");
      assertNothingLooksComplete(killed);
      Thread.sleep(100);
    }
    assertSameShards(direct, killed, 10);
  }

  /**
   * {@code _metadata.json} is what marks an output complete (verify, inspect and the trainer need
   * it) and is written last: while it is absent the folder does not look complete, and once it is
   * there every shard it lists is in place.
   */
  private static void assertNothingLooksComplete(Path dir) throws IOException {
    Path metadata = dir.resolve("_metadata.json");
    if (!Files.exists(metadata)) {
      return;
    }
    var shards = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metadata.toFile())
        .get("shards");
    for (var shard : shards) {
      assertTrue(Files.isRegularFile(dir.resolve(shard.get("file").asText())), shard.toString());
    }
  }

  /** Starts pretraining-data on the cluster as job {@code name} and waits until it runs. */
  private static Process submitAndWaitUntilRunning(String name, String... args) throws Exception {
    List<String> cmd = beambertCommand("pretraining-data", "--vocab=" + vocab,
        "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + port, "--parallelism=2",
        "--jobName=" + name);
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(tmp, name, ".txt");
    Process p = start(cmd, log);
    awaitRunning(name, p, log);
    Thread.sleep(2000);
    return p;
  }

  /**
   * Waits up to 120 s until the cluster runs the job of this name (null: any job), failing if the
   * client ends first.
   */
  private static void awaitRunning(String name, Process client, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (name == null
        ? !rest("/jobs/overview").contains("\"state\":\"RUNNING\"")
        : !jobState(name).equals("RUNNING")) {
      assertTrue(client.isAlive(), "the client ended before its job ran: " + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "the job did not start");
      Thread.sleep(200);
    }
  }

  /** The state of the cluster's job of this name ("" when there is none). */
  private static String jobState(String name) throws Exception {
    var jobs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rest("/jobs/overview"));
    for (var j : jobs.path("jobs")) {
      if (j.path("name").asText().equals(name)) {
        return j.path("state").asText();
      }
    }
    return "";
  }

  /**
   * Runs the command; once its job runs, kills one live TaskManager with SIGKILL and starts a
   * replacement; expects the command to succeed and the JobManager to have seen a task fail.
   */
  private static void killATaskManagerDuring(String... args) throws Exception {
    long failuresBefore = failuresInJobManagerLog();
    Path err = Files.createTempFile(tmp, "job", ".txt");
    Process job = start(beambertCommand(args), err);
    try {
      awaitRunning(null, job, err);
      Thread.sleep(3000);
      killATaskManagerAndStartAnother();
      assertTrue(job.waitFor(300, TimeUnit.SECONDS), "the job did not end");
      assertEquals(0, job.exitValue(), Files.readString(err));
    } finally {
      job.destroyForcibly();
    }
    assertTrue(failuresInJobManagerLog() > failuresBefore,
        "the kill hit no task of the job (no task failed in the JobManager's log)");
  }

  /** kill -9 of the first live TaskManager; then local-cluster.sh add-taskmanager. */
  private static void killATaskManagerAndStartAnother() throws Exception {
    Path victim = null;
    try (Stream<Path> pids = Files.list(home)) {
      for (Path p : pids.filter(f -> f.getFileName().toString().startsWith("taskmanager-"))
          .sorted().toList()) {
        if (ProcessHandle.of(Long.parseLong(Files.readString(p).strip()))
            .map(ProcessHandle::isAlive).orElse(false)) {
          victim = p;
          break;
        }
      }
    }
    assertTrue(victim != null, "no live TaskManager");
    ProcessHandle tm = ProcessHandle.of(Long.parseLong(Files.readString(victim).strip())).get();
    new ProcessBuilder("kill", "-9", String.valueOf(tm.pid())).start().waitFor();
    tm.onExit().get(30, TimeUnit.SECONDS);
    Run added = script("add-taskmanager");
    assertEquals(0, added.exit, added.err);
  }

  private static long failuresInJobManagerLog() throws IOException {
    Path log = home.resolve("log/jobmanager.log");
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("switched from RUNNING to FAILED")).count();
    }
  }

  private static String rest(String path) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
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
    return runScript(SCRIPT, "BEAMBERT_FLINK_HOME", home, args);
  }

  /** Runs a bash script with its state folder in {@code variable}; up to 180 s. */
  private static Run runScript(Path script, String variable, Path state, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd);
    b.environment().put(variable, state.toString());
    return run(b, 180);
  }

  /** The command line of {@code bin/beambert ARGS} (the jar with a 1 GB heap), to extend. */
  private static List<String> beambertCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts a command with its output and errors in {@code log}. */
  private static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Runs the command line as {@code bin/beambert} does (a 1 GB heap) and expects success. */
  private static Run beambert(String... args) throws Exception {
    Run r = run(new ProcessBuilder(beambertCommand(args)), 300);
    assertEquals(0, r.exit, String.join(" ", args) + "\n" + r.err);
    return r;
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
