package io.beambert.trainer.hf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian values.
 *
 * <p>Written: {@code F32} and {@code I64}. Read: {@code F32}, {@code F16} and {@code BF16} (as
 * floats), {@code I64} and {@code I32} (as longs). Hugging Face's {@code safetensors} library
 * defines the format; this class follows its rules (header padded with spaces to 8 bytes, byte
 * ranges contiguous, in header order).
 */
public final class SafeTensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /**
   * A tensor to write: its dtype, its shape, and its values, which {@link #write} asks for only when
   * it writes this tensor, so that a file is written holding one tensor's bytes at a time.
   */
  public interface Tensor {
    String dtype();

    long[] shape();

    /** Writes the values, little-endian, to {@code out}. */
    void writeTo(FileChannel out) throws IOException;

    static Tensor of(float[] values, long... shape) {
      ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values);
      return bytes("F32", shape, b);
    }

    static Tensor of(long[] values, long... shape) {
      ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().put(values);
      return bytes("I64", shape, b);
    }

    /**
     * A float32 array's values, read from the array's own memory when it is written (a GPU array
     * is copied to the CPU then, one at a time).
     */
    static Tensor of(NDArray array) {
      if (array.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("only float32 arrays are written, not " + array.getDataType());
      }
      long[] shape = array.getShape().getShape();
      return new Tensor() {
        @Override
        public String dtype() {
          return "F32";
        }

        @Override
        public long[] shape() {
          return shape;
        }

        @Override
        public void writeTo(FileChannel out) throws IOException {
          if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            of(array.toFloatArray(), shape).writeTo(out);
            return;
          }
          try (NDManager scratch = array.getManager().newSubManager(Device.cpu())) {
            NDArray onCpu = array;
            if (!array.getDevice().equals(Device.cpu())) {
              onCpu = array.toDevice(Device.cpu(), true);
              onCpu.attach(scratch);
            }
            // A view of the array's memory: nothing is copied on the CPU.
            writeFully(out, onCpu.toByteBuffer(true));
          }
        }
      };
    }

    private static Tensor bytes(String dtype, long[] shape, ByteBuffer data) {
      return new Tensor() {
        @Override
        public String dtype() {
          return dtype;
        }

        @Override
        public long[] shape() {
          return shape;
        }

        @Override
        public void writeTo(FileChannel out) throws IOException {
          writeFully(out, data.duplicate());
        }
      };
    }
  }

  /**
   * Writes {@code tensors} (in map order) with string {@code metadata} to {@code file}, replacing
   * it, one tensor's values at a time; the caller writes into a temporary folder and renames it
   * when complete.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      long bytes = Arrays.stream(t.shape()).reduce(1, Math::multiplyExact) * width(t.dtype());
      sizes.put(e.getKey(), bytes);
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", t.dtype());
      entry.set("shape", JSON.valueToTree(t.shape()));
      entry.set("data_offsets", JSON.valueToTree(new long[] {offset, offset + bytes}));
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(out, head);
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        long before = out.position();
        e.getValue().writeTo(out);
        if (out.position() - before != sizes.get(e.getKey())) {
          throw new IllegalStateException(e.getKey() + ": wrote " + (out.position() - before)
              + " bytes for shape " + Arrays.toString(e.getValue().shape()));
        }
      }
      out.force(true);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Opens a safetensors file and reads its header; tensors are read on demand. */
  public static Reader open(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size < 8) {
        throw new IOException(file + " is not a safetensors file: " + size + " bytes");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(in, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw new IOException(file + " is not a safetensors file (header length " + headerLength
            + ", file size " + size + ")");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(in, headerBytes, 8);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(file + " is not a safetensors file: its header is not JSON", e);
      }
      long dataStart = 8 + headerLength;
      Map<String, Entry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("__metadata__")) {
          f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        JsonNode node = f.getValue();
        String dtype = node.path("dtype").asText();
        long[] shape = JSON.convertValue(node.path("shape"), long[].class);
        long begin = node.path("data_offsets").path(0).asLong(-1);
        long end = node.path("data_offsets").path(1).asLong(-1);
        if (!WIDTHS.containsKey(dtype)) {
          throw new IOException(file + ": tensor " + f.getKey() + " has dtype " + dtype
              + ", which is not read here (F32, F16, BF16, I64, I32)");
        }
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact) * width(dtype);
        if (begin < 0 || end - begin != expected || dataStart + end > size) {
          throw new IOException(file + ": tensor " + f.getKey() + " has byte range [" + begin + ", "
              + end + ") for " + dtype + " " + Arrays.toString(shape) + " in a file of " + size
              + " bytes (truncated or damaged)");
        }
        entries.put(f.getKey(), new Entry(dtype, shape, dataStart + begin, expected));
      }
      return new Reader(file, entries, metadata);
    }
  }

  private static void readFully(FileChannel in, ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      int n = in.read(b, p);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      p += n;
    }
  }

  private static final Map<String, Integer> WIDTHS =
      Map.of("F32", 4, "I32", 4, "F16", 2, "BF16", 2, "I64", 8);

  private static int width(String dtype) {
    Integer width = WIDTHS.get(dtype);
    if (width == null) {
      throw new IllegalArgumentException("unsupported safetensors dtype " + dtype);
    }
    return width;
  }

  /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign != 0 ? -subnormal : subnormal;
    }
    if (exponent == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private record Entry(String dtype, long[] shape, long position, long bytes) {}

  /** The tensors of one file. */
  public static final class Reader {
    private final Path file;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Reader(Path file, Map<String, Entry> entries, Map<String, String> metadata) {
      this.file = file;
      this.entries = entries;
      this.metadata = metadata;
    }

    public Path file() {
      return file;
    }

    /** Tensor names in header order. */
    public java.util.Set<String> names() {
      return Collections.unmodifiableSet(entries.keySet());
    }

    public Map<String, String> metadata() {
      return Collections.unmodifiableMap(metadata);
    }

    public long[] shape(String name) {
      return entry(name).shape().clone();
    }

    public String dtype(String name) {
      return entry(name).dtype();
    }

    /** A floating-point tensor's values as floats (F16 and BF16 widened). */
    public float[] floats(String name) throws IOException {
      Entry e = entry(name);
      ByteBuffer b = bytes(e);
      float[] out = new float[Math.toIntExact(e.bytes() / width(e.dtype()))];
      switch (e.dtype()) {
        case "F32":
          b.asFloatBuffer().get(out);
          break;
        case "F16":
          for (int i = 0; i < out.length; i++) {
            out[i] = halfToFloat(b.getShort());
          }
          break;
        case "BF16":
          for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
          }
          break;
        default:
          throw new IOException(file + ": tensor " + name + " is " + e.dtype() + ", not floating point");
      }
      return out;
    }

    /** An integer tensor's values as longs. */
    public long[] longs(String name) throws IOException {
      Entry e = entry(name);
      ByteBuffer b = bytes(e);
      long[] out = new long[Math.toIntExact(e.bytes() / width(e.dtype()))];
      switch (e.dtype()) {
        case "I64":
          b.asLongBuffer().get(out);
          break;
        case "I32":
          for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
          }
          break;
        default:
          throw new IOException(file + ": tensor " + name + " is " + e.dtype() + ", not an integer");
      }
      return out;
    }

    /** The raw little-endian bytes of a tensor. */
    public ByteBuffer bytes(String name) throws IOException {
      return bytes(entry(name));
    }

    private ByteBuffer bytes(Entry e) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(e.bytes())).order(ByteOrder.LITTLE_ENDIAN);
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        readFully(in, b, e.position());
      }
      return b.flip();
    }

    private Entry entry(String name) {
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException(file + " has no tensor " + name);
      }
      return e;
    }
  }
}
