package io.beambert.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code beambert} command line: dispatches a subcommand to its entry point.
 *
 * <p>Each entry point is a class with {@code public static void main(String[])} that throws on
 * failure. This dispatcher turns the exceptions users can act on (bad flags, missing files, bad
 * input) into one clear line on stderr and a non-zero exit status, without a stack trace.
 */
public final class BeamBert {

  /** Exit status for a run that failed. */
  public static final int EXIT_FAILURE = 1;

  /** Exit status for a command line that could not be understood. */
  public static final int EXIT_USAGE = 2;

  private static final Map<String, Subcommand> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    register("vocab", "io.beambert.pipelines.LearnVocabPipeline",
        "learn a WordPiece vocabulary from a corpus (writes vocab.txt, tokenizer.json, vocab-report.json)");
    register("tokenize", "io.beambert.pipelines.TokenizeCommand",
        "tokenize UTF-8 lines from stdin into one JSON array per line (tokens or ids)");
    register("pretraining-data", "io.beambert.pipelines.PretrainingDataPipeline",
        "turn a corpus into masked-LM / next-sentence pretraining instances in Avro shards");
    register("inspect", "io.beambert.pipelines.InspectCommand",
        "print the instances of Avro shards as JSON lines");
    register("verify", "io.beambert.pipelines.VerifyCommand",
        "check a folder of shards against its _metadata.json (counts, schema, whole files)");
  }

  /** Subcommands of the trainer (runners/trainer), which the launcher runs from its own class path. */
  private static final Map<String, String> TRAINER =
      Map.of(
          "train", "pretrain BERT on the shards with DJL; writes Hugging Face checkpoints",
          "evaluate", "print a model's masked-LM and next-sentence metrics on shards, as JSON");

  private BeamBert() {}

  /** The registered subcommand names, in help order. */
  static java.util.Set<String> subcommands() {
    return java.util.Collections.unmodifiableSet(SUBCOMMANDS.keySet());
  }

  private static void register(String name, String className, String summary) {
    SUBCOMMANDS.put(name, new Subcommand(className, summary));
  }

  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  /** Runs one subcommand and returns the process exit status. */
  public static int run(String[] args, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      printUsage(args.length == 0 ? err : System.out);
      return args.length == 0 ? EXIT_USAGE : 0;
    }
    String name = args[0];
    Subcommand subcommand = SUBCOMMANDS.get(name);
    if (subcommand == null && TRAINER.containsKey(name)) {
      err.println("beambert " + name + ": the trainer is a separate module (runners/trainer);"
          + " run it with bin/beambert " + name);
      return EXIT_USAGE;
    }
    if (subcommand == null) {
      err.println("beambert: unknown subcommand '" + name + "'. Run 'beambert --help' for the list.");
      return EXIT_USAGE;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      Method main = Class.forName(subcommand.className).getMethod("main", String[].class);
      main.invoke(null, (Object) rest);
      return 0;
    } catch (InvocationTargetException e) {
      return report(name, e.getCause(), err);
    } catch (ReflectiveOperationException e) {
      err.println("beambert " + name + ": this build does not include the subcommand (" + e + ")");
      return EXIT_FAILURE;
    }
  }

  static int report(String name, Throwable failure, PrintStream err) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StandardStreams.OutputClosedException) {
        return 0; // the reader of our output went away (| head): a quiet end
      }
      if (t instanceof OutOfMemoryError) {
        err.println("beambert " + name + ": error: " + outOfMemory(name, Runtime.getRuntime().maxMemory()));
        return EXIT_FAILURE;
      }
    }
    Throwable cause = userFacingCause(failure);
    if (cause == null) {
      err.println("beambert " + name + ": failed:");
      failure.printStackTrace(err);
      return EXIT_FAILURE;
    }
    err.println("beambert " + name + ": error: " + cause.getMessage());
    return cause instanceof UsageException ? EXIT_USAGE : EXIT_FAILURE;
  }

  /** The one line for a run that ran out of memory: the heap, and what to change. */
  static String outOfMemory(String name, long heapBytes) {
    String less;
    String committed = "; nothing was committed";
    switch (name) {
      case "pretraining-data":
        less = "a smaller --nspPoolSize (distributed mode holds one pool a worker), --maxSeqLength"
            + " or --dupeFactor";
        break;
      case "vocab":
        less = "a smaller corpus (vocab holds every distinct word)";
        break;
      default:
        less = "a smaller input";
        committed = "";
    }
    return String.format(
        java.util.Locale.ROOT,
        "out of memory with a heap of %,d MB%s. Raise the heap (e.g."
            + " BEAMBERT_JAVA_OPTS=-Xmx8g) or ask for less: %s",
        heapBytes >> 20,
        committed,
        less);
  }

  /**
   * Finds, along the cause chain, the exception whose message a user can act on: a usage error, an
   * I/O error or a rejected argument. Runner wrappers (pipeline execution exceptions) are skipped.
   */
  static Throwable userFacingCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UsageException
          || t instanceof java.io.IOException
          || t instanceof java.io.UncheckedIOException
          || t instanceof IllegalArgumentException) {
        return t;
      }
    }
    return null;
  }

  private static void printUsage(PrintStream out) {
    out.println("Usage: beambert SUBCOMMAND [--option=value ...]");
    out.println();
    out.println("Subcommands:");
    SUBCOMMANDS.forEach((name, sub) -> out.printf("  %-18s %s%n", name, sub.summary));
    for (String name : new String[] {"train", "evaluate"}) {
      out.printf("  %-18s %s%n", name, TRAINER.get(name));
    }
    out.println();
    out.println("Run 'beambert SUBCOMMAND --help' for the options of one subcommand and their defaults.");
  }

  private record Subcommand(String className, String summary) {}
}
