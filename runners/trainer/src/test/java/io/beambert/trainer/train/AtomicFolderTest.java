package io.beambert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a process killed at each point of a folder's replacement or deletion leaves, and recovery. */
class AtomicFolderTest {
  private static void folder(Path dir, String content) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("f"), content);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replaceSwapsWholeFolders(@TempDir Path tmp) throws IOException {
    Path target = tmp.resolve("model");
    AtomicFolder.replace(target, dir -> Files.writeString(dir.resolve("f"), "one"));
    AtomicFolder.replace(target, dir -> Files.writeString(dir.resolve("f"), "two"));
    assertEquals("two", Files.readString(target.resolve("f")));
    assertEquals(List.of("model"), names(tmp));
    // A writer that fails leaves the old folder and a .partial one, which recovery removes.
    assertThrows(IOException.class, () -> AtomicFolder.replace(target, dir -> {
      Files.writeString(dir.resolve("f"), "three");
      throw new IOException("disk full");
    }));
    assertEquals("two", Files.readString(target.resolve("f")));
    assertEquals(List.of(".model.partial", "model"), names(tmp));
    assertEquals(1, AtomicFolder.recover(tmp).size());
    assertEquals(List.of("model"), names(tmp));
  }

  @Test
  void recoveryAfterAKillBetweenTheTwoRenamesRestoresTheOldFolder(@TempDir Path tmp)
      throws IOException {
    folder(tmp.resolve(".model.old"), "old");
    folder(tmp.resolve(".model.partial"), "new, complete but not yet renamed");
    List<String> done = AtomicFolder.recover(tmp);
    assertEquals(2, done.size(), done.toString());
    assertEquals(List.of("model"), names(tmp));
    assertEquals("old", Files.readString(tmp.resolve("model/f")));
  }

  @Test
  void recoveryAfterAKillBeforeTheOldFolderWasDeletedKeepsTheNew(@TempDir Path tmp)
      throws IOException {
    folder(tmp.resolve("model"), "new");
    folder(tmp.resolve(".model.old"), "old");
    AtomicFolder.recover(tmp);
    assertEquals(List.of("model"), names(tmp));
    assertEquals("new", Files.readString(tmp.resolve("model/f")));
  }

  @Test
  void deletionLeavesNoHalfDeletedFolderUnderItsName(@TempDir Path tmp) throws IOException {
    folder(tmp.resolve("step-00000010"), "x");
    AtomicFolder.delete(tmp.resolve("step-00000010"));
    assertEquals(List.of(), names(tmp));
    // what a kill during the deletion's tree walk leaves
    folder(tmp.resolve(".step-00000020.deleting"), "half gone");
    AtomicFolder.recover(tmp);
    assertFalse(Files.exists(tmp.resolve(".step-00000020.deleting")));
    assertTrue(names(tmp).isEmpty());
  }
}
