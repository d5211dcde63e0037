package dev.flotilla.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The profiles a controller knows by name: the built-in ones shipped in this module, plus an
 * operator's own from a directory, which replace built-ins of the same name. Immutable and
 * thread-safe once made.
 */
public final class ProfileCatalog {
  /** Where the built-in profiles and their {@code index} lie on the class path. */
  static final String RESOURCE_DIR = "dev/flotilla/profiles/";

  /**
   * Lists the built-in profile names, one per line ({@code #} comments allowed): a class path
   * cannot be listed reliably (inside a jar, a native image), so the index says what to load.
   */
  static final String INDEX = "index";

  private final SortedMap<String, FirmwareProfile> byName;

  private ProfileCatalog(SortedMap<String, FirmwareProfile> byName) {
    this.byName = Collections.unmodifiableSortedMap(byName);
  }

  /**
   * The profiles shipped in this module ({@code docs/firmware-profiles.md} lists them).
   *
   * @throws ProfileException when a shipped file is missing or broken: a build fault, caught by
   *     this module's tests
   */
  public static ProfileCatalog builtIn() {
    SortedMap<String, FirmwareProfile> out = new TreeMap<>();
    for (String name : builtInNames()) {
      String file = RESOURCE_DIR + name + ".yaml";
      FirmwareProfile profile = ProfileLoader.parse(file, resource(file));
      if (out.put(profile.name(), profile) != null) {
        throw new ProfileException(
            RESOURCE_DIR + INDEX, "", "lists '" + name + "' twice; list each profile once");
      }
    }
    return new ProfileCatalog(out);
  }

  /**
   * The built-in profiles plus every {@code *.yaml} and {@code *.yml} file directly in {@code
   * operatorDir} (not in its sub-directories; hidden files, whose names start with a dot, and other
   * files are ignored). A file whose profile has a built-in's name replaces that built-in.
   *
   * @param operatorDir the operator's profile directory; null for the built-ins alone
   * @throws ProfileException naming the directory when it is missing or unreadable, or naming the
   *     file and field of the first broken profile, or naming both files when two define one name
   *     ({@code gateway.yaml} and {@code gateway.yml})
   */
  public static ProfileCatalog load(@Nullable Path operatorDir) {
    ProfileCatalog builtIn = builtIn();
    if (operatorDir == null) {
      return builtIn;
    }
    if (!Files.isDirectory(operatorDir)) {
      throw new ProfileException(
          operatorDir.toString(),
          "",
          (Files.exists(operatorDir) ? "is not a directory" : "does not exist")
              + "; create the directory of profile files, or point the controller's"
              + " flotilla.profiles.dir setting at an existing one (or unset it for the built-in"
              + " profiles alone)");
    }
    List<Path> files;
    try (Stream<Path> entries = Files.list(operatorDir)) {
      files = entries.filter(ProfileCatalog::isProfileFile).sorted().toList();
    } catch (IOException e) {
      throw new ProfileException(operatorDir.toString(), "", "cannot be listed: " + e, e);
    }
    SortedMap<String, FirmwareProfile> out = new TreeMap<>(builtIn.byName);
    Map<String, Path> fromDir = new HashMap<>();
    for (Path file : files) {
      FirmwareProfile profile = ProfileLoader.parse(file.toString(), read(file));
      Path earlier = fromDir.putIfAbsent(profile.name(), file);
      if (earlier != null) {
        throw new ProfileException(
            file.toString(),
            "name",
            "'"
                + profile.name()
                + "' is already defined by "
                + earlier
                + "; keep one of the two files");
      }
      out.put(profile.name(), profile);
    }
    return new ProfileCatalog(out);
  }

  /**
   * A catalog of exactly these profiles, for tests and tools.
   *
   * @throws IllegalArgumentException when two have the same name
   */
  public static ProfileCatalog of(Collection<FirmwareProfile> profiles) {
    SortedMap<String, FirmwareProfile> out = new TreeMap<>();
    for (FirmwareProfile p : profiles) {
      if (out.put(p.name(), p) != null) {
        throw new IllegalArgumentException("two profiles are named '" + p.name() + "'");
      }
    }
    return new ProfileCatalog(out);
  }

  public Optional<FirmwareProfile> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every profile, sorted by name. */
  public List<FirmwareProfile> all() {
    return List.copyOf(byName.values());
  }

  /** Every profile name, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The names the built-in index lists, in its order. */
  static List<String> builtInNames() {
    List<String> names = new ArrayList<>();
    for (String line : resource(RESOURCE_DIR + INDEX).split("\n", -1)) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        names.add(name);
      }
    }
    return names;
  }

  private static boolean isProfileFile(Path path) {
    Path fileName = path.getFileName();
    if (fileName == null) {
      return false;
    }
    String name = fileName.toString();
    String lower = name.toLowerCase(Locale.ROOT);
    // Regular files, links to them included: a Kubernetes ConfigMap mounts its keys as links.
    return !name.startsWith(".")
        && (lower.endsWith(".yaml") || lower.endsWith(".yml"))
        && Files.isRegularFile(path);
  }

  /** A profile file as text; refused unread when larger than the loader accepts. */
  private static String read(Path file) {
    try {
      long size = Files.size(file);
      // UTF-8 takes at least one byte per character, so 4 bytes per character bounds the text.
      if (size > 4L * ProfileLoader.MAX_CHARS) {
        throw new ProfileException(
            file.toString(),
            "",
            "is "
                + size
                + " bytes long; a profile may hold at most "
                + ProfileLoader.MAX_CHARS
                + " characters");
      }
      return utf8(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ProfileException(file.toString(), "", "cannot be read: " + e, e);
    }
  }

  private static String resource(String path) {
    try (InputStream in = ProfileCatalog.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new ProfileException(
            path, "", "is missing from the class path; the firmware-profiles jar is incomplete");
      }
      return utf8(path, in.readAllBytes());
    } catch (IOException e) {
      throw new ProfileException(path, "", "cannot be read from the class path: " + e, e);
    }
  }

  private static String utf8(String file, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProfileException(file, "", "is not UTF-8 text; save it as UTF-8", e);
    }
  }

  @Override
  public String toString() {
    return "ProfileCatalog" + byName.keySet();
  }
}
