package io.beambert.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beambert.testing.Shared;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PythonRandomTest {

  static Stream<JsonNode> goldenSeeds() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> seeds = new ArrayList<>();
    for (String line :
        Files.readAllLines(Shared.path("golden/python_random.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        seeds.add(mapper.readTree(line));
      }
    }
    assertTrue(seeds.size() >= 7, "expected the golden seeds, got " + seeds.size());
    return seeds.stream();
  }

  /** Every call of every golden seed, on a generator seeded both via long (when it fits) and via BigInteger. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("goldenSeeds")
  void goldenVectors(JsonNode vector) {
    BigInteger seed = vector.get("seed").bigIntegerValue();
    List<PythonRandom> generators = new ArrayList<>();
    generators.add(new PythonRandom(seed));
    if (seed.bitLength() < 64) {
      generators.add(new PythonRandom(seed.longValueExact()));
    }
    for (PythonRandom rng : generators) {
      int index = 0;
      for (JsonNode call : vector.get("calls")) {
        String kind = call.get(0).asText();
        JsonNode args = call.get(1);
        JsonNode expected = call.get(2);
        String where = "seed " + seed + " call " + index + " " + call;
        switch (kind) {
          case "random":
            assertEquals(expected.doubleValue(), rng.random(), 0.0, where);
            break;
          case "randint":
            {
              long a = args.get(0).longValue();
              long b = args.get(1).longValue();
              long got =
                  (a >= Integer.MIN_VALUE && b <= Integer.MAX_VALUE)
                      ? rng.randint((int) a, (int) b)
                      : rng.randint(a, b);
              assertEquals(expected.longValue(), got, where);
              break;
            }
          case "shuffle":
            {
              int n = args.get(0).intValue();
              List<Integer> list = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                list.add(i);
              }
              rng.shuffle(list);
              List<Integer> want = new ArrayList<>();
              expected.forEach(e -> want.add(e.intValue()));
              assertEquals(want, list, where);
              break;
            }
          default:
            throw new AssertionError("unknown call kind " + kind + " in " + where);
        }
        index++;
      }
      assertTrue(index > 0);
    }
  }

  @Test
  void specTableGenrandUint32() {
    PythonRandom rng = new PythonRandom(12345);
    long[] want = {
      1789368711L, 3146859322L, 43676229L, 3522623596L, 3544234957L, 3448207591L, 1282648386L,
      3672791226L
    };
    for (long w : want) {
      assertEquals(w, rng.genrandUint32());
    }
  }

  @Test
  void specTableRandom() {
    PythonRandom rng = new PythonRandom(12345);
    assertEquals(Double.parseDouble("0x1.aa9e665dc8a18p-2"), rng.random(), 0.0);
    assertEquals(Double.parseDouble("0x1.4d392d1f6f840p-7"), rng.random(), 0.0);
    assertEquals(Double.parseDouble("0x1.a68177b361de3p-1"), rng.random(), 0.0);
    assertEquals(0.41661987254534116, Double.parseDouble("0x1.aa9e665dc8a18p-2"), 0.0);
  }

  @Test
  void specTableRandint() {
    PythonRandom rng = new PythonRandom(12345);
    int[] got = new int[5];
    for (int i = 0; i < 5; i++) {
      got[i] = rng.randint(2, 125);
    }
    assertArrayEquals(new int[] {55, 95, 3, 106, 107}, got);
    rng = new PythonRandom(12345);
    for (int i = 0; i < 5; i++) {
      got[i] = rng.randint(0, 30521);
    }
    assertArrayEquals(new int[] {13651, 24008, 333, 26875, 27040}, got);
  }

  @Test
  void specTableShuffle() {
    PythonRandom rng = new PythonRandom(12345);
    List<Integer> list = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    rng.shuffle(list);
    assertEquals(List.of(8, 7, 3, 5, 1, 2, 9, 4, 0, 6), list);

    int[] array = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    new PythonRandom(12345).shuffle(array);
    assertArrayEquals(new int[] {8, 7, 3, 5, 1, 2, 9, 4, 0, 6}, array);

    List<Integer> linked = new LinkedList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    new PythonRandom(12345).shuffle(linked);
    assertEquals(List.of(8, 7, 3, 5, 1, 2, 9, 4, 0, 6), linked);
  }

  @Test
  void specTableRandintOneOneUsesElevenWords() {
    PythonRandom rng = new PythonRandom(12345);
    for (int i = 0; i < 5; i++) {
      assertEquals(1, rng.randint(1, 1));
    }
    // After 11 words the stream continues with word 12 of a fresh generator.
    PythonRandom fresh = new PythonRandom(12345);
    for (int i = 0; i < 11; i++) {
      fresh.genrandUint32();
    }
    assertEquals(fresh.genrandUint32(), rng.genrandUint32());
  }

  @Test
  void seedingDropsSignAndSplitsWords() {
    assertEquals(new PythonRandom(5).genrandUint32(), new PythonRandom(-5).genrandUint32());
    assertEquals(
        new PythonRandom(BigInteger.valueOf(1L << 32).add(BigInteger.valueOf(5))).random(),
        new PythonRandom((1L << 32) + 5).random());
    assertEquals(
        PythonRandom.fromInitKey(new int[] {5, 1}).random(), new PythonRandom((1L << 32) + 5).random());
    assertEquals(PythonRandom.fromInitKey(new int[] {0}).random(), new PythonRandom(0).random());
    // Long.MIN_VALUE is 2^63 in magnitude.
    assertEquals(
        new PythonRandom(BigInteger.ONE.shiftLeft(63)).random(),
        new PythonRandom(Long.MIN_VALUE).random());
  }

  @Test
  void getrandbitsFillsWordsLeastSignificantFirst() {
    PythonRandom words = new PythonRandom(12345);
    long w0 = words.genrandUint32();
    long w1 = words.genrandUint32();
    long w2 = words.genrandUint32();
    BigInteger want =
        BigInteger.valueOf(w2 >>> (32 - 6))
            .shiftLeft(64)
            .or(BigInteger.valueOf(w1).shiftLeft(32))
            .or(BigInteger.valueOf(w0));
    assertEquals(want, new PythonRandom(12345).getrandbits(70));
    assertEquals(BigInteger.valueOf(1789368711L >>> 17), new PythonRandom(12345).getrandbits(15));
    assertEquals(BigInteger.ZERO, new PythonRandom(12345).getrandbits(0));
    assertThrows(IllegalArgumentException.class, () -> new PythonRandom(1).getrandbits(-1));
  }

  @Test
  void randbelowMatchesBigRandint() {
    // k = 41 for n = 2^40 + 1: two words, the second shifted right by 23.
    PythonRandom a = new PythonRandom(99);
    PythonRandom b = new PythonRandom(99);
    for (int i = 0; i < 1000; i++) {
      long n = (1L << 40) + 1;
      long r = a.randbelow(n);
      BigInteger bits;
      do {
        bits = b.getrandbits(41);
      } while (bits.compareTo(BigInteger.valueOf(n)) >= 0);
      assertEquals(bits.longValueExact(), r);
    }
  }

  @Test
  void invalidRangesThrowWithValues() {
    PythonRandom rng = new PythonRandom(1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> rng.randint(3, 2));
    assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rng.randbelow(0));
    assertThrows(IllegalArgumentException.class, () -> rng.randint(Long.MIN_VALUE, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> PythonRandom.fromInitKey(new int[0]));
  }

  @Test
  void intRandintOverFullIntRange() {
    PythonRandom a = new PythonRandom(3);
    PythonRandom b = new PythonRandom(3);
    for (int i = 0; i < 100; i++) {
      assertEquals(
          b.randint((long) Integer.MIN_VALUE, Integer.MAX_VALUE),
          a.randint(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
  }

  @Test
  void randomIsUniformEnough() {
    PythonRandom rng = new PythonRandom(2024);
    int[] buckets = new int[10];
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      double x = rng.random();
      assertTrue(x >= 0.0 && x < 1.0);
      buckets[(int) (x * 10)]++;
    }
    for (int count : buckets) {
      assertTrue(Math.abs(count - n / 10) < 600, Arrays.toString(buckets));
    }
  }
}
