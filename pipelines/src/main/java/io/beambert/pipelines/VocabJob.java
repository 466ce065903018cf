package io.beambert.pipelines;

import io.beambert.transforms.CountCorpusWords;
import io.beambert.transforms.LearnVocab;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Default;

/**
 * The settings of one {@code beambert vocab} run, however its command line was read: from Beam's
 * options ({@link #of}), or, for a run in this JVM, directly ({@link #readInProcess}).
 */
record VocabJob(
    String input,
    String output,
    int vocabSize,
    long minFrequency,
    int limitAlphabet,
    boolean doLowerCase,
    int heldOutPercent,
    String compareVocab,
    boolean overwrite) {

  private static final Pattern OPTION = Pattern.compile("--([A-Za-z]+)=(.*)", Pattern.DOTALL);
  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");
  /** A path with a scheme, as Beam's file systems tell one ({@code scheme:/...}). */
  private static final Pattern WITH_SCHEME = Pattern.compile("[a-zA-Z][-a-zA-Z0-9+.]*:/.*");

  /** The settings of parsed options. */
  static VocabJob of(LearnVocabPipeline.Options options) {
    return new VocabJob(
        options.getInput(),
        options.getOutput(),
        options.getVocabSize(),
        options.getMinFrequency(),
        options.getLimitAlphabet(),
        options.getDoLowerCase(),
        options.getHeldOutPercent(),
        options.getCompareVocab(),
        options.getOverwrite());
  }

  /**
   * The settings of a command line that runs in this JVM, read without Beam's option parsing, which
   * costs most of a second at start-up (it loads and checks every option interface on the class
   * path). Only for a plain command line: each argument {@code --name=value} with a name of {@link
   * LearnVocabPipeline.Options}' own options given once, whole numbers and {@code true}/{@code
   * false} written plainly, {@code --input} and {@code --output} given as local paths (no {@code
   * scheme:/}), no {@code
   * --runner}, and {@code --engine} auto or inprocess. Anything else gives empty, and the command
   * line goes through {@link LearnVocabPipeline#parse}, with Beam's rules and error messages; for
   * a plain command line both give the same settings (tested). Ranges are not checked here.
   */
  static Optional<VocabJob> readInProcess(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      Matcher option = OPTION.matcher(arg);
      if (!option.matches() || values.put(option.group(1), option.group(2)) != null) {
        return Optional.empty();
      }
    }
    Map<String, Object> settings = new HashMap<>();
    for (Method getter : LearnVocabPipeline.Options.class.getDeclaredMethods()) {
      if (!getter.getName().startsWith("get") || getter.getParameterCount() != 0) {
        continue;
      }
      String name =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      String value = values.remove(name);
      Object setting = value == null ? defaultValue(getter) : valueOf(value, getter.getReturnType());
      if (setting == null) {
        return Optional.empty(); // a required option missing, or a value Beam should judge
      }
      settings.put(name, setting);
    }
    String engine = (String) settings.get("engine");
    String input = (String) settings.get("input");
    String output = (String) settings.get("output");
    if (!values.isEmpty() // an option that is not this command's own (e.g. --runner)
        || !(engine.equals("auto") || engine.equals("inprocess"))
        || WITH_SCHEME.matcher(input).matches()
        || WITH_SCHEME.matcher(output).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new VocabJob(
            input,
            output,
            (Integer) settings.get("vocabSize"),
            (Long) settings.get("minFrequency"),
            (Integer) settings.get("limitAlphabet"),
            (Boolean) settings.get("doLowerCase"),
            (Integer) settings.get("heldOutPercent"),
            (String) settings.get("compareVocab"),
            (Boolean) settings.get("overwrite")));
  }

  /** The value of a plainly written option of {@code type}; null for anything else. */
  private static Object valueOf(String value, Class<?> type) {
    if (type == String.class) {
      return value;
    }
    if (type == boolean.class) {
      return value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
    }
    if (!WHOLE_NUMBER.matcher(value).matches()) {
      return null;
    }
    long number = Long.parseLong(value);
    if (type == long.class) {
      return number;
    }
    if (type == int.class && number == (int) number) {
      return (int) number;
    }
    return null;
  }

  /** The {@link Default} of a getter; null for a required option (no default). */
  private static Object defaultValue(Method getter) {
    if (getter.isAnnotationPresent(Default.Integer.class)) {
      return getter.getAnnotation(Default.Integer.class).value();
    }
    if (getter.isAnnotationPresent(Default.Long.class)) {
      return getter.getAnnotation(Default.Long.class).value();
    }
    if (getter.isAnnotationPresent(Default.Boolean.class)) {
      return getter.getAnnotation(Default.Boolean.class).value();
    }
    if (getter.isAnnotationPresent(Default.String.class)) {
      return getter.getAnnotation(Default.String.class).value();
    }
    return null;
  }

  /** The counting step with these settings. */
  CountCorpusWords countCorpusWords() {
    return CountCorpusWords.create().withDoLowerCase(doLowerCase).withHeldOutPercent(heldOutPercent);
  }

  /** The learning step with these settings. */
  LearnVocab learnVocab() {
    return LearnVocab.create()
        .withVocabSize(vocabSize)
        .withMinFrequency(minFrequency)
        .withLimitAlphabet(limitAlphabet)
        .withDoLowerCase(doLowerCase);
  }

  /** The output files with these settings. */
  LearnVocabPipeline.VocabFiles files() {
    return new LearnVocabPipeline.VocabFiles(input, output, doLowerCase, compareVocab, heldOutPercent);
  }
}
