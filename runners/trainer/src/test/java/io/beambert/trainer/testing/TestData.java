package io.beambert.trainer.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real shards for the trainer's tests, made by beambert's own {@code pretraining-data} (the
 * pipelines module's jar, run as a separate process: the trainer has no Beam on its class path) with
 * the bert-base-uncased vocabulary from ../shared/golden.
 *
 * <p>{@link #sample()}: the bundled sample corpus (data/sample), 2 shards; {@link #heldOut()}: the
 * golden sample text, another corpus, as held-out data. Made once under target/ and reused.
 */
public final class TestData {
  private static final Path ROOT = Path.of(System.getProperty("beambert.root", "../.."));
  private static final Path TARGET = Path.of("target", "test-shards");

  private TestData() {}

  public static Path shared() {
    return Path.of(System.getProperty("beambert.shared", ROOT.resolve("../shared").toString()));
  }

  /** The 30,522-entry bert-base-uncased vocabulary. */
  public static Path vocab() {
    return shared().resolve("golden/vocab-bert-base-uncased.txt");
  }

  public static Path sampleCorpus() {
    return ROOT.resolve("data/sample/sample-corpus.txt");
  }

  public static synchronized Path sample() throws Exception {
    return shards("sample", sampleCorpus(), "--dupeFactor=2");
  }

  public static synchronized Path heldOut() throws Exception {
    return shards("heldout", shared().resolve("golden/sample_text.txt"), "--dupeFactor=10");
  }

  private static Path shards(String name, Path corpus, String... flags) throws Exception {
    Path out = TARGET.resolve(name);
    if (Files.isRegularFile(out.resolve("_metadata.json"))) {
      return out;
    }
    Path jar = ROOT.resolve("pipelines/target/beambert.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: build the pipelines module first"
        + " (mvn -pl pipelines -am package)");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar",
        jar.toString(), "pretraining-data", "--input=" + corpus, "--vocab=" + vocab(),
        "--output=" + out, "--overwrite=true"));
    cmd.addAll(List.of(flags));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(TARGET.resolveSibling("test-shards-" + name + ".log").toFile()).start();
    Files.createDirectories(TARGET);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "pretraining-data did not finish");
    assertEquals(0, p.exitValue(), "pretraining-data failed; see target/test-shards-" + name + ".log");
    return out;
  }

  /** Copies a shard folder (its shards and metadata) so that a test may damage the copy. */
  public static Path copy(Path shards, Path to) throws IOException {
    Files.createDirectories(to);
    try (var s = Files.list(shards)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
    return to;
  }
}
