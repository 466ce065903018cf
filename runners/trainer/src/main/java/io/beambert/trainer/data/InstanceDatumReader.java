package io.beambert.trainer.data;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Decodes {@code PretrainingInstance} records straight into an {@link Instance}'s primitive arrays,
 * without Avro's boxed lists.
 *
 * <p>The file's own (writer) schema decides the field order; every field of the schema in
 * schemas/src/main/avro/PretrainingInstance.avsc must be there with its type, and no other. Arrays
 * longer than the shard's lengths are an error.
 */
final class InstanceDatumReader implements DatumReader<Instance> {
  private static final List<String> INT_ARRAYS =
      List.of("input_ids", "input_mask", "segment_ids", "masked_lm_positions", "masked_lm_ids");
  private static final int WEIGHTS = 5;
  private static final int LABEL = 6;

  private final int seqLength;
  private final int predictions;
  private int[] order;

  InstanceDatumReader(int seqLength, int predictions) {
    this.seqLength = seqLength;
    this.predictions = predictions;
  }

  /** Checks a writer schema and returns a message saying what is wrong, or null when it fits. */
  static String mismatch(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      return "its records are " + schema.getType() + ", not PretrainingInstance records";
    }
    if (schema.getFields().size() != INT_ARRAYS.size() + 2) {
      return "its records have " + schema.getFields().size() + " fields, not the 7 of PretrainingInstance";
    }
    for (Schema.Field f : schema.getFields()) {
      int slot = slot(f.name());
      if (slot < 0) {
        return "its records have a field '" + f.name() + "' that PretrainingInstance lacks";
      }
      Schema.Type expected = slot == LABEL ? Schema.Type.INT : Schema.Type.ARRAY;
      if (f.schema().getType() != expected
          || (expected == Schema.Type.ARRAY
              && f.schema().getElementType().getType()
                  != (slot == WEIGHTS ? Schema.Type.FLOAT : Schema.Type.INT))) {
        return "its field '" + f.name() + "' has type " + f.schema() + ", not PretrainingInstance's";
      }
    }
    return null;
  }

  private static int slot(String field) {
    int i = INT_ARRAYS.indexOf(field);
    if (i >= 0) {
      return i;
    }
    return field.equals("masked_lm_weights") ? WEIGHTS
        : field.equals("next_sentence_labels") ? LABEL : -1;
  }

  @Override
  public void setSchema(Schema schema) {
    String problem = mismatch(schema);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    order = schema.getFields().stream().mapToInt(f -> slot(f.name())).toArray();
  }

  @Override
  public Instance read(Instance reuse, Decoder in) throws IOException {
    Instance out = reuse != null ? reuse : new Instance(seqLength, predictions);
    for (int slot : order) {
      switch (slot) {
        case 0:
          readInts(in, out.inputIds, "input_ids");
          break;
        case 1:
          readInts(in, out.inputMask, "input_mask");
          break;
        case 2:
          readInts(in, out.segmentIds, "segment_ids");
          break;
        case 3:
          readInts(in, out.maskedPositions, "masked_lm_positions");
          break;
        case 4:
          readInts(in, out.maskedIds, "masked_lm_ids");
          break;
        case WEIGHTS:
          readFloats(in, out.maskedWeights);
          break;
        default:
          out.nextSentenceLabel = in.readInt();
      }
    }
    return out;
  }

  private static void readInts(Decoder in, int[] into, String field) throws IOException {
    int n = 0;
    for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
      if (n + block > into.length) {
        throw new IOException(field + " holds more than " + into.length + " values");
      }
      for (long i = 0; i < block; i++) {
        into[n++] = in.readInt();
      }
    }
    if (n != into.length) {
      throw new IOException(field + " holds " + n + " values, not " + into.length);
    }
  }

  private static void readFloats(Decoder in, float[] into) throws IOException {
    int n = 0;
    for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
      if (n + block > into.length) {
        throw new IOException("masked_lm_weights holds more than " + into.length + " values");
      }
      for (long i = 0; i < block; i++) {
        into[n++] = in.readFloat();
      }
    }
    if (n != into.length) {
      throw new IOException("masked_lm_weights holds " + n + " values, not " + into.length);
    }
  }
}
