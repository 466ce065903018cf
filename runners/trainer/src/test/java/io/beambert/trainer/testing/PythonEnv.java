package io.beambert.trainer.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python virtual environment under target/ with the pinned packages of
 * src/test/python/requirements.txt (PyTorch for CPU, transformers, safetensors), made on first use
 * with the machine's configured package index. The interoperability tests run their Python checks
 * in it; when it cannot be made they fail, naming the log, and never skip.
 */
public final class PythonEnv {
  private static final Path DIR = Path.of("target", "pyenv");
  private static final Path REQUIREMENTS = Path.of("src", "test", "python", "requirements.txt");

  private PythonEnv() {}

  /** The environment's python, making the environment first if needed. */
  public static synchronized Path python() throws Exception {
    Path python = DIR.resolve("bin/python");
    Path stamp = DIR.resolve("requirements.installed");
    String wanted = Files.readString(REQUIREMENTS);
    if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(wanted)) {
      return python;
    }
    Path log = Path.of("target", "pyenv-install.log");
    run(log, 5, "python3", "-m", "venv", "--clear", DIR.toString());
    // Retries are for flaky links; an index that cannot be reached fails at once instead.
    run(log, 20, python.toString(), "-m", "pip", "install", "--retries", "1",
        "--disable-pip-version-check", "-r", REQUIREMENTS.toString());
    Files.writeString(stamp, wanted);
    return python;
  }

  private static void run(Path log, int minutes, String... command) throws Exception {
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    assertTrue(p.waitFor(minutes, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), "the Python environment could not be made: '"
        + String.join(" ", command) + "' failed; see " + log.toAbsolutePath());
  }

  /** Runs a Python script of src/test/python in the environment; returns its output. */
  public static Result runScript(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python().toString(),
        Path.of("src", "test", "python", script).toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), script + " timed out");
    return new Result(p.exitValue(), out);
  }

  public record Result(int exitCode, String stdout) {
    /** The last line of the output (the scripts print one JSON object last). */
    public String lastLine() throws IOException {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }
  }
}
