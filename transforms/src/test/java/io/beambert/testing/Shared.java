package io.beambert.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the read-only shared files (golden outputs of the reference) beside the checkout. */
public final class Shared {
  private Shared() {}

  /** Returns {@code ../shared/<relative>}; fails loudly when the shared folder is missing. */
  public static Path path(String relative) {
    String configured = System.getProperty("beambert.shared");
    Path root = configured != null ? Paths.get(configured) : Paths.get("..", "..", "shared");
    Path resolved = root.resolve(relative).normalize();
    if (!Files.exists(resolved)) {
      throw new IllegalStateException(
          "shared file not found: " + resolved.toAbsolutePath()
              + " (set -Dbeambert.shared=DIR to the folder holding golden/)");
    }
    return resolved;
  }
}
