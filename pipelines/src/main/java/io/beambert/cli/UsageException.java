package io.beambert.cli;

/** A command line that cannot be run as given; the message tells the user what to change. */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
