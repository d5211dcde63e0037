package dev.flotilla.profiles;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable sorted map of names to counts held in two arrays, so that {@link Fit#fits} can walk
 * a workload's peripherals and look up a profile's without an iterator, an entry or a boxed
 * integer: the fit check runs about a million times per fleet-wide placement. To callers it is an
 * ordinary unmodifiable {@code SortedMap<String, Integer>} in natural key order; it equals any map
 * with the same entries.
 */
final class Counts extends AbstractMap<String, Integer> implements SortedMap<String, Integer> {
  static final Counts EMPTY = new Counts(new String[0], new int[0]);

  private final String[] names;
  private final int[] counts;

  private Counts(String[] names, int[] counts) {
    this.names = names;
    this.counts = counts;
  }

  /**
   * {@code map} itself when it already is one, else a sorted copy.
   *
   * @throws NullPointerException for a null key or value
   */
  static Counts copyOf(Map<String, Integer> map) {
    if (map instanceof Counts c) {
      return c;
    }
    String[] names = new String[map.size()];
    int i = 0;
    for (String name : map.keySet()) {
      names[i++] = Objects.requireNonNull(name, "peripheral name");
    }
    Arrays.sort(names);
    int[] counts = new int[names.length];
    for (i = 0; i < names.length; i++) {
      counts[i] = Objects.requireNonNull(map.get(names[i]), "peripheral count");
    }
    return new Counts(names, counts);
  }

  /** How many names; the same as {@link #size()}. */
  int length() {
    return names.length;
  }

  String nameAt(int index) {
    return names[index];
  }

  int countAt(int index) {
    return counts[index];
  }

  /** The count for {@code name}, 0 when absent. Allocation-free. */
  int count(String name) {
    int at = Arrays.binarySearch(names, name);
    return at >= 0 ? counts[at] : 0;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return key instanceof String s && Arrays.binarySearch(names, s) >= 0;
  }

  @Override
  public @Nullable Integer get(@Nullable Object key) {
    if (!(key instanceof String s)) {
      return null;
    }
    int at = Arrays.binarySearch(names, s);
    return at >= 0 ? counts[at] : null;
  }

  @Override
  public Set<Map.Entry<String, Integer>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Integer>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < names.length;
          }

          @Override
          public Map.Entry<String, Integer> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(names[i], counts[i]);
          }
        };
      }

      @Override
      public int size() {
        return names.length;
      }
    };
  }

  /** Natural order of the names. */
  @Override
  public @Nullable Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public SortedMap<String, Integer> subMap(String fromKey, String toKey) {
    if (fromKey.compareTo(toKey) > 0) {
      throw new IllegalArgumentException("fromKey > toKey");
    }
    return slice(lowerBound(fromKey), lowerBound(toKey));
  }

  @Override
  public SortedMap<String, Integer> headMap(String toKey) {
    return slice(0, lowerBound(toKey));
  }

  @Override
  public SortedMap<String, Integer> tailMap(String fromKey) {
    return slice(lowerBound(fromKey), names.length);
  }

  @Override
  public String firstKey() {
    if (names.length == 0) {
      throw new NoSuchElementException();
    }
    return names[0];
  }

  @Override
  public String lastKey() {
    if (names.length == 0) {
      throw new NoSuchElementException();
    }
    return names[names.length - 1];
  }

  /** The index of the first name not below {@code key}. */
  private int lowerBound(String key) {
    int at = Arrays.binarySearch(names, Objects.requireNonNull(key, "key"));
    return at >= 0 ? at : -at - 1;
  }

  // The views are copies, not live views: the map never changes, so nobody can tell.
  private Counts slice(int from, int to) {
    return new Counts(Arrays.copyOfRange(names, from, to), Arrays.copyOfRange(counts, from, to));
  }
}
