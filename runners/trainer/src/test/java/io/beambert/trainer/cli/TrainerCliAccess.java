package io.beambert.trainer.cli;

import java.io.PrintStream;

/** Lets tests of other packages run the command line in process. */
public final class TrainerCliAccess {
  private TrainerCliAccess() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return TrainerCli.run(args, out, err);
  }
}
