package io.beambert.trainer;

/**
 * An option value that cannot be used, alone or with the data and checkpoints it names; the
 * command line reports it as a usage error (exit status 2).
 */
public class OptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public OptionException(String message) {
    super(message);
  }

  public OptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
