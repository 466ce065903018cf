package io.beambert.transforms;

import io.beambert.text.PyStr;
import io.beambert.text.Utf8Lines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.VarInt;

/**
 * Where a document's text is: in the element itself, or at a byte range of an uncompressed file
 * from which it is read again.
 *
 * <p>The distributed mode groups documents into pools with one shuffle. Carrying the text through
 * that shuffle makes the shuffle as large as the corpus, and a runner that groups in memory (the
 * DirectRunner) then holds the whole corpus in its heap. A location ({@link #at}) is a few dozen
 * bytes whatever the document's size, so the shuffle stays small and a worker holds one pool's
 * text at a time, read back when the pool is generated. {@link ReadDocuments} gives
 * locations for uncompressed files and texts for compressed ones, which cannot be read from an
 * offset.
 *
 * <p>A location records the text's {@link String#hashCode()}: reading it again checks that the
 * file still holds the same text and fails with a message naming the file otherwise.
 *
 * <pre>{@code
 * DocumentSource s = DocumentSource.at("/corpus/a.txt", 1024, 2300, text.hashCode());
 * String again = s.read(); // the same text: stripped non-blank lines joined with '\n'
 * }</pre>
 */
public final class DocumentSource {
  private final String text;
  private final String file;
  private final long offset;
  private final long length;
  private final int textHash;
  private final long invalidBytes;

  private DocumentSource(
      String text, String file, long offset, long length, int textHash, long invalidBytes) {
    this.text = text;
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.textHash = textHash;
    this.invalidBytes = invalidBytes;
  }

  /**
   * The same source, noting that {@code bytes} bytes read with the document were not valid UTF-8
   * (dropped by the reader), for the run's counts.
   */
  public DocumentSource withInvalidBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("invalid bytes must be at least 0, got " + bytes);
    }
    return new DocumentSource(text, file, offset, length, textHash, bytes);
  }

  /** Bytes read with the document that were not valid UTF-8 (see {@link #withInvalidBytes}). */
  public long invalidBytes() {
    return invalidBytes;
  }

  /** A document carried with its text. */
  public static DocumentSource text(String text) {
    return new DocumentSource(Objects.requireNonNull(text, "text"), null, 0, 0, 0, 0);
  }

  /**
   * A document read again from {@code length} bytes at {@code offset} of {@code file} (a Beam
   * resource id of an uncompressed file): its lines, stripped, blank ones dropped, joined with
   * {@code '\n'}, must have the hash code {@code textHash}.
   */
  public static DocumentSource at(String file, long offset, long length, int textHash) {
    if (offset < 0 || length < 0 || length > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "bad range: offset " + offset + ", length " + length + " of " + file);
    }
    return new DocumentSource(
        null, Objects.requireNonNull(file, "file"), offset, length, textHash, 0);
  }

  /**
   * The {@link String#hashCode()} of the sentences joined with {@code '\n'}, without joining them.
   */
  public static int textHash(List<String> sentences) {
    int h = 0;
    for (int i = 0; i < sentences.size(); i++) {
      if (i > 0) {
        h = 31 * h + '\n';
      }
      String s = sentences.get(i);
      for (int k = 0, n = s.length(); k < n; k++) {
        h = 31 * h + s.charAt(k);
      }
    }
    return h;
  }

  /**
   * The document's text: the carried one, or read from the file (one open per call; see {@link
   * #readAll} to read many from one file).
   *
   * @throws IOException when the file cannot be read or no longer holds the same text
   */
  public String read() throws IOException {
    if (text != null) {
      return text;
    }
    List<String> out = readAll(List.of(this));
    return out.get(0);
  }

  /**
   * The texts of {@code sources}, in their order, opening each file once (locations of one file
   * are read in offset order).
   *
   * @throws IOException when a file cannot be read or no longer holds the same text
   */
  public static List<String> readAll(List<DocumentSource> sources) throws IOException {
    String[] texts = new String[sources.size()];
    List<Integer> located = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      DocumentSource s = sources.get(i);
      if (s.text != null) {
        texts[i] = s.text;
      } else {
        located.add(i);
      }
    }
    located.sort(
        (a, b) -> {
          DocumentSource x = sources.get(a);
          DocumentSource y = sources.get(b);
          int c = x.file.compareTo(y.file);
          return c != 0 ? c : Long.compare(x.offset, y.offset);
        });
    int k = 0;
    while (k < located.size()) {
      String file = sources.get(located.get(k)).file;
      try (ReadableByteChannel channel =
          FileSystems.open(FileSystems.matchNewResource(file, false))) {
        if (!(channel instanceof SeekableByteChannel)) {
          throw new IOException("cannot seek in " + file + " to read documents again");
        }
        SeekableByteChannel seekable = (SeekableByteChannel) channel;
        for (; k < located.size() && sources.get(located.get(k)).file.equals(file); k++) {
          int i = located.get(k);
          texts[i] = sources.get(i).readFrom(seekable);
        }
      }
    }
    return List.of(texts);
  }

  private String readFrom(SeekableByteChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) length);
    channel.position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new IOException(
            file + " is shorter than when it was read (ends before byte " + (offset + length)
                + "): it changed while the job ran");
      }
    }
    String again = join(buffer.array());
    if (again.hashCode() != textHash) {
      throw new IOException(
          "the document at byte " + offset + " of " + file
              + " differs from when it was read: the file changed while the job ran");
    }
    return again;
  }

  /** The stripped non-blank lines of UTF-8 {@code bytes} joined with {@code '\n'}. */
  static String join(byte[] bytes) throws IOException {
    StringBuilder sb = new StringBuilder(bytes.length);
    try (InputStream in = new ByteArrayInputStream(bytes);
        Utf8Lines lines = new Utf8Lines(in)) {
      for (String line = lines.next(); line != null; line = lines.next()) {
        String s = PyStr.strip(line);
        if (!s.isEmpty()) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(s);
        }
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DocumentSource)) {
      return false;
    }
    DocumentSource d = (DocumentSource) o;
    return Objects.equals(text, d.text) && Objects.equals(file, d.file) && offset == d.offset
        && length == d.length && textHash == d.textHash && invalidBytes == d.invalidBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, file, offset, length, textHash, invalidBytes);
  }

  @Override
  public String toString() {
    return text != null
        ? "text(" + text.length() + " chars)"
        : file + "@" + offset + "+" + length;
  }

  /** The coder of document sources. */
  public static Coder<DocumentSource> coder() {
    return SourceCoder.INSTANCE;
  }

  private static final class SourceCoder extends AtomicCoder<DocumentSource> {
    private static final long serialVersionUID = 1L;
    static final SourceCoder INSTANCE = new SourceCoder();
    private static final Coder<String> STRING = StringUtf8Coder.of();

    @Override
    public void encode(DocumentSource value, OutputStream out) throws IOException {
      if (value.text != null) {
        out.write(0);
        STRING.encode(value.text, out);
      } else {
        out.write(1);
        STRING.encode(value.file, out);
        VarInt.encode(value.offset, out);
        VarInt.encode(value.length, out);
        VarInt.encode(value.textHash, out);
      }
      VarInt.encode(value.invalidBytes, out);
    }

    @Override
    public DocumentSource decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag == 0) {
        String text = STRING.decode(in);
        return new DocumentSource(text, null, 0, 0, 0, VarInt.decodeLong(in));
      }
      if (tag != 1) {
        throw new CoderException("bad DocumentSource tag " + tag);
      }
      String file = STRING.decode(in);
      long offset = VarInt.decodeLong(in);
      long length = VarInt.decodeLong(in);
      int hash = VarInt.decodeInt(in);
      return new DocumentSource(null, file, offset, length, hash, VarInt.decodeLong(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
