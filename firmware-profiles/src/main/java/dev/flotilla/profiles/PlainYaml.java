package dev.flotilla.profiles;

import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The one SnakeYAML set-up for operator-written files (firmware profiles here, deployment manifests
 * in the controller): plain data only. The safe constructor without the timestamp, binary, set and
 * ordered-map types (a date-like scalar stays text), duplicate keys refused, no tags, and limits on
 * size, nesting and aliases against hostile input.
 */
public final class PlainYaml {
  private PlainYaml() {}

  /**
   * A parser with the given limits. SnakeYAML parsers are not thread-safe: make one per call.
   *
   * @param maxChars the most code points read
   * @param maxDepth the deepest nesting of collections
   * @param maxAliases the most aliases to collections (the "billion laughs" guard)
   */
  public static Yaml parser(int maxChars, int maxDepth, int maxAliases) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(maxAliases);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(maxDepth);
    options.setCodePointLimit(maxChars);
    options.setTagInspector(tag -> false);
    return new Yaml(
        new PlainDataConstructor(options),
        new Representer(new DumperOptions()),
        new DumperOptions(),
        options,
        new PlainDataResolver());
  }

  /** The safe constructor less the types plain data never needs and validators cannot read. */
  private static final class PlainDataConstructor extends SafeConstructor {
    PlainDataConstructor(LoaderOptions options) {
      super(options);
      // An unregistered tag falls through to the "could not determine a constructor" refusal.
      for (Tag tag : List.of(Tag.TIMESTAMP, Tag.BINARY, Tag.SET, Tag.OMAP, Tag.PAIRS)) {
        yamlConstructors.remove(tag);
      }
    }
  }

  /** YAML 1.1 implicit types without timestamps, so {@code 2024-05-01} reads as text. */
  private static final class PlainDataResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }
}
