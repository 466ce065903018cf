package io.beambert.trainer;

/**
 * A run that stops for a reason the user can act on (a non-finite loss, an unusable checkpoint or
 * shard, a missing device); its message is printed as one line, without a stack trace.
 */
public class TrainerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainerException(String message) {
    super(message);
  }

  public TrainerException(String message, Throwable cause) {
    super(message, cause);
  }
}
