package dev.flotilla.controller.fleet;

import dev.flotilla.controller.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes a deployment runs on, or which objects an API query returns: a conjunction of label
 * requirements with Kubernetes semantics. Immutable; equal selectors select the same label sets and
 * are {@link #equals equal} however they were written ({@code site=north}, {@code site==north},
 * {@code site in (north)} and {@code matchLabels: {site: north}} are one selector).
 *
 * <p>Two ways in: {@link #parse} for the kubectl-style text of API queries and {@link #of} for the
 * {@code matchLabels}/{@code matchExpressions} form of manifests. {@link #toString()} gives the
 * canonical text, which {@link #parse} reads back to an equal selector; {@link #toManifest()} gives
 * the manifest form.
 */
public final class LabelSelector {
  /** The selector without requirements: it matches every label set, including the empty one. */
  public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private static final String FIELD = "labelSelector";

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    // Sorted and without repeats, so that equality is that of the meaning, not of the spelling.
    this.requirements = List.copyOf(new TreeSet<>(requirements));
  }

  /**
   * Reads a kubectl-style selector: comma-separated requirements, each one of {@code key=value},
   * {@code key==value}, {@code key!=value}, {@code key in (v1, v2)}, {@code key notin (v1)}, {@code
   * key} (the key exists) or {@code !key} (it does not). Whitespace around tokens is ignored; an
   * empty or blank text is {@link #EVERYTHING}. Keys and values follow {@link LabelRules}; {@code
   * key=} asks for the empty value.
   *
   * @throws InvalidInputException with field {@code labelSelector}, naming what was expected at
   *     which character (counted from 1)
   */
  public static LabelSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    return new LabelSelector(new Parser(text).selector());
  }

  /**
   * The selector of a manifest: every entry of {@code matchLabels} is an {@link Operator#IN}
   * requirement with that one value, and every expression is added as it is.
   *
   * @throws InvalidInputException with field {@code matchLabels["key"]} for an invalid label
   */
  public static LabelSelector of(Map<String, String> matchLabels, List<Requirement> expressions) {
    LabelRules.validate("matchLabels", matchLabels);
    List<Requirement> all = new ArrayList<>(expressions);
    matchLabels.forEach((k, v) -> all.add(new Requirement(k, Operator.IN, List.of(v))));
    return new LabelSelector(all);
  }

  /** Whether every requirement holds for {@code labels}. */
  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The requirements in canonical order (by key, then operator, then values), without repeats. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether this is {@link #EVERYTHING}. */
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /**
   * The manifest form: {@code matchLabels} with the single-value {@code In} requirements (the first
   * per key) and {@code matchExpressions} with the rest, each as {@code {key, operator, values}}
   * with the operator spelled as in manifests ({@link Operator#manifestName()}) and {@code values}
   * left out for {@code Exists}/{@code DoesNotExist}. Empty parts are left out, so {@link
   * #EVERYTHING} gives an empty map. Mutable insertion-ordered maps and lists, fresh per call.
   */
  public Map<String, Object> toManifest() {
    Map<String, Object> matchLabels = new LinkedHashMap<>();
    List<Object> expressions = new ArrayList<>();
    for (Requirement r : requirements) {
      if (r.operator() == Operator.IN
          && r.values().size() == 1
          && !matchLabels.containsKey(r.key())) {
        matchLabels.put(r.key(), r.values().first());
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("key", r.key());
      e.put("operator", r.operator().manifestName());
      if (r.operator().takesValues()) {
        e.put("values", new ArrayList<>(r.values()));
      }
      expressions.add(e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (!matchLabels.isEmpty()) {
      out.put("matchLabels", matchLabels);
    }
    if (!expressions.isEmpty()) {
      out.put("matchExpressions", expressions);
    }
    return out;
  }

  /**
   * The canonical kubectl form, e.g. {@code !gpu,district in (d1,d2),site=north}; empty for all.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Requirement r : requirements) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(r);
    }
    return out.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LabelSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** How a requirement tests the value of its key. */
  public enum Operator {
    /** The key is present with one of the values. */
    IN("In", true),
    /** The key is absent, or present with none of the values (as in Kubernetes). */
    NOT_IN("NotIn", true),
    /** The key is present, whatever its value. */
    EXISTS("Exists", false),
    /** The key is absent. */
    DOES_NOT_EXIST("DoesNotExist", false);

    private final String manifestName;
    private final boolean takesValues;

    Operator(String manifestName, boolean takesValues) {
      this.manifestName = manifestName;
      this.takesValues = takesValues;
    }

    /** The spelling in a manifest's {@code matchExpressions}, e.g. {@code NotIn}. */
    public String manifestName() {
      return manifestName;
    }

    /** True for IN and NOT_IN, which need at least one value; the others take none. */
    public boolean takesValues() {
      return takesValues;
    }

    /** The operator spelled {@code name} in manifests (case-sensitive), if any. */
    public static Optional<Operator> fromManifestName(String name) {
      return Arrays.stream(values()).filter(o -> o.manifestName.equals(name)).findFirst();
    }

    /** The manifest spellings, for refusals: {@code In, NotIn, Exists, DoesNotExist}. */
    public static String manifestNames() {
      return String.join(", ", Arrays.stream(values()).map(Operator::manifestName).toList());
    }
  }

  /**
   * One requirement on one key.
   *
   * @param key a valid label key
   * @param operator the test
   * @param values at least one valid label value for IN and NOT_IN, none for the others; kept in
   *     natural order whatever the order of the set given
   */
  public record Requirement(String key, Operator operator, SortedSet<String> values)
      implements Comparable<Requirement> {
    /**
     * @throws InvalidInputException with field {@code labelSelector} for an invalid key or value or
     *     a wrong number of values
     */
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      // addAll rather than new TreeSet<>(values): that constructor would keep a SortedSet's own
      // comparator, and two requirements with the same values would then differ.
      TreeSet<String> natural = new TreeSet<>();
      natural.addAll(values);
      values = Collections.unmodifiableSortedSet(natural);
      String problem = problem(key, operator, values);
      if (problem != null) {
        throw new InvalidInputException(FIELD, problem);
      }
    }

    /** The requirement with {@code values} in any order, repeats dropped. */
    public Requirement(String key, Operator operator, Collection<String> values) {
      this(key, operator, sortedCopy(values));
    }

    private static SortedSet<String> sortedCopy(Collection<String> values) {
      TreeSet<String> set = new TreeSet<>();
      set.addAll(values);
      return set;
    }

    /** Whether the requirement holds for {@code labels}. */
    public boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }

    /** The canonical kubectl form: {@code k=v}, {@code k in (a,b)}, {@code k!=v}, {@code !k}... */
    @Override
    public String toString() {
      return switch (operator) {
        case IN -> values.size() == 1 ? key + "=" + values.first() : key + " in " + list(values);
        case NOT_IN ->
            values.size() == 1 ? key + "!=" + values.first() : key + " notin " + list(values);
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }

    @Override
    public int compareTo(Requirement o) {
      int c = key.compareTo(o.key);
      if (c != 0) {
        return c;
      }
      c = operator.compareTo(o.operator);
      if (c != 0) {
        return c;
      }
      Iterator<String> a = values.iterator();
      Iterator<String> b = o.values.iterator();
      while (a.hasNext() && b.hasNext()) {
        c = a.next().compareTo(b.next());
        if (c != 0) {
          return c;
        }
      }
      return Boolean.compare(a.hasNext(), b.hasNext());
    }

    private static String list(SortedSet<String> values) {
      return "(" + String.join(",", values) + ")";
    }

    /** What is wrong with this combination, or null when it is valid. */
    static @Nullable String problem(String key, Operator operator, SortedSet<String> values) {
      String keyProblem = LabelRules.keyProblem(key);
      if (keyProblem != null) {
        return keyProblem;
      }
      if (operator.takesValues() && values.isEmpty()) {
        return "'" + operator.manifestName() + "' on key '" + key + "' needs at least one value";
      }
      if (!operator.takesValues() && !values.isEmpty()) {
        return "'" + operator.manifestName() + "' on key '" + key + "' takes no values";
      }
      for (String v : values) {
        String valueProblem = LabelRules.valueProblem(v);
        if (valueProblem != null) {
          return valueProblem;
        }
      }
      return null;
    }
  }

  /**
   * A recursive-descent reader of the kubectl grammar:
   *
   * <pre>
   * selector    := [ requirement { ',' requirement } ]
   * requirement := '!' key | key [ ('=' | '==' | '!=') value | ('in' | 'notin') '(' values ')' ]
   * values      := value { ',' value }        (a value may be empty, but not the whole list)
   * </pre>
   *
   * A key or value is a run of characters other than whitespace and {@code =!(),}, checked with
   * {@link LabelRules} afterwards so that the refusal can say which rule it breaks.
   */
  private static final class Parser {
    private static final String SPECIAL = "=!(),";

    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Requirement> selector() {
      List<Requirement> out = new ArrayList<>();
      skipSpace();
      if (atEnd()) {
        return out;
      }
      while (true) {
        out.add(requirement());
        skipSpace();
        if (atEnd()) {
          return out;
        }
        if (!take(",")) {
          throw expected("',' or the end of the selector after '" + out.getLast() + "'");
        }
      }
    }

    private Requirement requirement() {
      skipSpace();
      if (take("!")) {
        skipSpace();
        return new Requirement(key(), Operator.DOES_NOT_EXIST, List.of());
      }
      String key = key();
      skipSpace();
      if (atEnd() || peek(',')) {
        return new Requirement(key, Operator.EXISTS, List.of());
      }
      if (take("==") || take("=")) {
        return new Requirement(key, Operator.IN, List.of(value()));
      }
      if (take("!=")) {
        return new Requirement(key, Operator.NOT_IN, List.of(value()));
      }
      int start = pos;
      String word = word();
      Operator operator =
          switch (word) {
            case "in" -> Operator.IN;
            case "notin" -> Operator.NOT_IN;
            default -> {
              pos = start;
              throw expected(
                  "'=', '==', '!=', 'in', 'notin', ',' or the end after key '" + key + "'");
            }
          };
      return new Requirement(key, operator, valueList(word));
    }

    private List<String> valueList(String operator) {
      skipSpace();
      if (!take("(")) {
        throw expected("'(' after '" + operator + "'");
      }
      skipSpace();
      if (peek(')')) {
        throw expected("at least one value after '" + operator + " ('");
      }
      List<String> values = new ArrayList<>();
      while (true) {
        values.add(value());
        skipSpace();
        if (take(")")) {
          return values;
        }
        if (!take(",")) {
          throw expected("',' or ')' in the values of '" + operator + "'");
        }
      }
    }

    private String key() {
      int start = pos;
      String key = word();
      if (key.isEmpty()) {
        throw expected("a label key");
      }
      String problem = LabelRules.keyProblem(key);
      if (problem != null) {
        throw new InvalidInputException(FIELD, "at character " + (start + 1) + ": " + problem);
      }
      return key;
    }

    private String value() {
      skipSpace();
      int start = pos;
      String value = word();
      String problem = LabelRules.valueProblem(value);
      if (problem != null) {
        throw new InvalidInputException(FIELD, "at character " + (start + 1) + ": " + problem);
      }
      return value;
    }

    private String word() {
      int start = pos;
      while (!atEnd()
          && !Character.isWhitespace(text.charAt(pos))
          && SPECIAL.indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    private void skipSpace() {
      while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private boolean take(String token) {
      if (text.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    private boolean peek(char c) {
      return !atEnd() && text.charAt(pos) == c;
    }

    private boolean atEnd() {
      return pos >= text.length();
    }

    private InvalidInputException expected(String what) {
      String found;
      if (atEnd()) {
        found = "the end of the selector";
      } else if (SPECIAL.indexOf(text.charAt(pos)) >= 0) {
        found = "'" + text.charAt(pos) + "'";
      } else {
        int end = pos;
        while (end < text.length()
            && end - pos < 20
            && !Character.isWhitespace(text.charAt(end))
            && SPECIAL.indexOf(text.charAt(end)) < 0) {
          end++;
        }
        found = "'" + text.substring(pos, end) + "'";
      }
      return new InvalidInputException(
          FIELD, "expected " + what + " at character " + (pos + 1) + ", found " + found);
    }
  }
}
