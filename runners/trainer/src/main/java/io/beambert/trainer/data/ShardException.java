package io.beambert.trainer.data;

import java.io.IOException;
import java.nio.file.Path;

/** A shard that cannot be used: unreadable, not a beambert shard, truncated or inconsistent. */
public final class ShardException extends IOException {
  private static final long serialVersionUID = 1L;

  public ShardException(Path shard, String problem) {
    super("shard " + shard + ": " + problem);
  }

  public ShardException(Path shard, String problem, Throwable cause) {
    super("shard " + shard + ": " + problem, cause);
  }
}
