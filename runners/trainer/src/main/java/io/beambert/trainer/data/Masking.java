package io.beambert.trainer.data;

import java.util.Locale;

/** Where a fed instance's masks come from ({@code --masking}). */
public enum Masking {
  /** The shard's own masks, as written by {@code pretraining-data}. */
  STATIC("static"),
  /** Masked anew each time it is fed, as RoBERTa does: 80/10/10 of single pieces. */
  DYNAMIC("dynamic"),
  /** Masked anew each time, every piece of a word together. */
  WHOLE_WORD("wholeWord"),
  /** Masked anew each time with SpanBERT's spans of whole words. */
  SPAN("span");

  private final String option;

  Masking(String option) {
    this.option = option;
  }

  public String option() {
    return option;
  }

  /**
   * The strategy an option value names, in any case.
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static Masking parse(String value) {
    for (Masking m : values()) {
      if (m.option.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "--masking must be static, dynamic, wholeWord or span, got " + value);
  }
}
