package io.beambert.trainer.cli;

import io.beambert.trainer.OptionException;
import io.beambert.trainer.TrainerException;
import io.beambert.trainer.train.EvaluateJob;
import io.beambert.trainer.train.TrainJob;
import io.beambert.trainer.train.TrainOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The trainer's command line, {@code beambert train} and {@code beambert evaluate}, with the same
 * conventions as beambert's other subcommands: a failure the user can act on is one line {@code
 * beambert SUBCOMMAND: error: ...}; exit status 2 for a command line that cannot be understood or an
 * option value that cannot be used ({@link OptionException}), 1 for a failed run; an unexpected
 * failure, a bug included, prints its stack trace.
 */
public final class TrainerCli {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  private TrainerCli() {}

  public static void main(String[] args) {
    // Charts are drawn without a display.
    System.setProperty("java.awt.headless", "true");
    System.exit(run(args, System.out, System.err));
  }

  /** Runs {@code train} or {@code evaluate} and returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("train") || args[0].equals("evaluate"))) {
      err.println("beambert: the trainer runs 'train' or 'evaluate'");
      return EXIT_USAGE;
    }
    String name = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    Object command = name.equals("train") ? new TrainOptions() : new EvaluateJob();
    CommandLine cli = new CommandLine(command);
    try {
      cli.parseArgs(rest);
      if (cli.isUsageHelpRequested()) {
        cli.usage(out);
        return 0;
      }
      if (name.equals("train")) {
        TrainJob.run((TrainOptions) command, err);
      } else {
        out.println(((EvaluateJob) command).run().toPrettyString());
      }
      if (out.checkError()) {
        err.println("beambert " + name + ": error: writing to standard output failed");
        return EXIT_FAILURE;
      }
      return 0;
    } catch (CommandLine.ParameterException e) {
      err.println("beambert " + name + ": error: " + e.getMessage());
      err.println("Run 'beambert " + name + " --help' for the options and their defaults.");
      return EXIT_USAGE;
    } catch (OptionException e) {
      err.println("beambert " + name + ": error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (IOException | UncheckedIOException | TrainerException e) {
      err.println("beambert " + name + ": error: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (RuntimeException e) {
      err.println("beambert " + name + ": failed:");
      e.printStackTrace(err);
      return EXIT_FAILURE;
    }
  }
}
