package io.beambert.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambert.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class BeamArgsTest {

  @Test
  void defaultsToDirectRunnerWithoutEnforcement() {
    List<String> args = Arrays.asList(BeamArgs.prepare(new String[] {"--input=x"}));
    assertTrue(args.contains("--runner=DirectRunner"), args.toString());
    assertTrue(args.contains("--enforceImmutability=false"), args.toString());
    assertTrue(args.contains("--enforceEncodability=false"), args.toString());
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    assertTrue(args.contains("--targetParallelism=" + cores), args.toString());
    List<String> set =
        Arrays.asList(BeamArgs.prepare(new String[] {"--input=x", "--targetParallelism=7"}));
    assertTrue(set.contains("--targetParallelism=7") && !set.contains("--targetParallelism=" + cores),
        set.toString());
  }

  @Test
  void keepsWhatTheUserSet() {
    List<String> args =
        Arrays.asList(
            BeamArgs.prepare(new String[] {"--runner=DirectRunner", "--enforceImmutability=true"}));
    assertEquals(List.of("--runner=DirectRunner", "--enforceImmutability=true"), args);
  }

  @Test
  void aBareTrueFalseOptionCountsAsSetAndParses() {
    String[] args = BeamArgs.prepare(new String[] {"--enforceImmutability"});
    assertFalse(
        Arrays.asList(args).contains("--enforceImmutability=false"), Arrays.toString(args));
    // Beam reads the bare option as true; before, a default was added too and Beam rejected both.
    PipelineOptionsFactory.fromArgs(args).withValidation().create();
  }

  @Test
  void beamOptionErrorsBecomeOneLineNamingTheOption() {
    String[] unknown = {"--input=x", "--output=y", "--noSuchOption=1"};
    UsageException e =
        assertThrows(UsageException.class,
            () -> BeamArgs.parse(unknown, LearnVocabPipeline.Options.class, "vocab"));
    assertEquals("unknown option --noSuchOption (see 'beambert vocab --help')", e.getMessage());
    String[] missing = {"--output=y"};
    e = assertThrows(UsageException.class,
        () -> BeamArgs.parse(missing, LearnVocabPipeline.Options.class, "vocab"));
    assertTrue(e.getMessage().startsWith("missing required option --input"), e.getMessage());
    // Mistakes whose Beam messages do not name the option, also for a runner's options.
    assertUsage("unknown option --vocabSzie; did you mean --vocabSize?", "--vocabSzie=5");
    assertUsage("--targetParallelism must be a whole number, got 'abc'", "--targetParallelism=abc");
    assertUsage("--vocabSize needs a value: --vocabSize=VALUE", "--vocabSize");
    assertUsage("--vocabSize is given more than once", "--vocabSize=10", "--vocabSize=20");
    assertUsage("--doLowerCase must be true or false, got 'tRUE'", "--doLowerCase=tRUE");
    // What Beam accepts passes.
    BeamArgs.parse(
        new String[] {"--input=x", "--output=y", "--doLowerCase=TRUE", "--targetParallelism=3",
            "--enforceImmutability", "--experiments=a", "--experiments=b"},
        LearnVocabPipeline.Options.class, "vocab");
  }

  private static void assertUsage(String message, String... extra) {
    List<String> args = new ArrayList<>(List.of("--input=x", "--output=y"));
    args.addAll(Arrays.asList(extra));
    UsageException e =
        assertThrows(UsageException.class,
            () -> BeamArgs.parse(args.toArray(new String[0]), LearnVocabPipeline.Options.class,
                "vocab"));
    assertEquals(message + " (see 'beambert vocab --help')", e.getMessage());
  }

  @Test
  void remoteFlinkGetsNoGeneratedConfig() {
    List<String> args =
        Arrays.asList(
            BeamArgs.prepare(
                new String[] {"--runner=FlinkRunner", "--flinkMaster=127.0.0.1:8081"}));
    assertFalse(args.stream().anyMatch(a -> a.startsWith("--flinkConfDir=")), args.toString());
  }

  @Test
  void embeddedFlinkGetsLoopbackConfig() throws IOException {
    String[] args = BeamArgs.prepare(new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]"});
    String dir = BeamArgs.value(args, "flinkConfDir").orElseThrow();
    List<String> config = Files.readAllLines(Paths.get(dir, "config.yaml"));
    assertTrue(config.contains("rest.bind-address: 127.0.0.1"), config.toString());
  }

  /** Runs a real embedded Flink job and checks every socket it listens on is on the loopback. */
  @Test
  @EnabledOnOs(OS.LINUX)
  void embeddedFlinkListensOnlyOnLoopback() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                BeamArgs.prepare(
                    new String[] {"--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1"}))
            .create();
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(Create.of("probe")).apply(ParDo.of(new RecordListeners()));
    LISTENERS.clear();
    pipeline.run().waitUntilFinish();
    assertFalse(LISTENERS.isEmpty(), "the embedded Flink opened no listening socket at all");
    for (String address : LISTENERS) {
      assertTrue(isLoopback(address), "listening on a non-loopback address: " + address + " in " + LISTENERS);
    }
  }

  static final Set<String> LISTENERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Records, from inside the running job, the addresses of this process's listening sockets. */
  static class RecordListeners extends DoFn<String, Void> {
    @ProcessElement
    public void process() throws IOException {
      LISTENERS.addAll(listeningAddressesOfThisProcess());
    }
  }

  static Set<String> listeningAddressesOfThisProcess() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // The descriptor closed while listing; it is not a listener we need.
        }
      }
    }
    List<String> listeners = new ArrayList<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path path = Paths.get(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        // Columns: sl local_address rem_address st ... inode (index 9); state 0A is LISTEN.
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          listeners.add(f[1]);
        }
      }
    }
    return new HashSet<>(listeners);
  }

  /** Hex address from /proc/net/tcp{,6} ("0100007F:1F90", or 32 hex digits for IPv6). */
  static boolean isLoopback(String hexAddressAndPort) {
    String hex = hexAddressAndPort.substring(0, hexAddressAndPort.indexOf(':'));
    if (hex.length() == 8) {
      return hex.endsWith("7F"); // little-endian 127.x.x.x
    }
    // ::1, or ::ffff:127.x.x.x (IPv4-mapped)
    return hex.equals("00000000000000000000000001000000")
        || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
  }
}
