package io.beambert.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambert.testing.Shared;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A vocabulary survives Java serialization (its compact form) line for line, source included. */
class VocabSerializationTest {
  private static Vocab roundTrip(Vocab vocab) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(vocab);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Vocab) in.readObject();
    }
  }

  private static List<String> lines(Vocab vocab) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < vocab.size(); i++) {
      out.add(vocab.tokenAt(i));
    }
    return out;
  }

  @Test
  void roundTripKeepsEveryLineAndTheSource() throws Exception {
    Vocab file = Vocab.load(Shared.path("golden/vocab-bert-base-uncased.txt"));
    Vocab copy = roundTrip(file);
    assertEquals(lines(file), lines(copy));
    assertEquals(file.source(), copy.source());
    assertEquals(file.idOf("##ing"), copy.idOf("##ing"));
    // Empty lines, non-BMP characters and a lone surrogate survive too.
    List<String> odd = List.of("[UNK]", "", "\ud83e\udd9c", "a\nb", "\udc00", "");
    assertEquals(odd, lines(roundTrip(Vocab.of(odd))));
  }
}
