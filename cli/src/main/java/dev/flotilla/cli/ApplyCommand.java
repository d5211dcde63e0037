package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.client.ApiClient;
import dev.flotilla.cli.client.ApiException;
import dev.flotilla.cli.format.ManifestDocuments;
import dev.flotilla.cli.format.ManifestDocuments.Document;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla apply -f FILE|-}: sends each YAML document of the file, in order, to {@code POST
 * /api/v1/deployments} as written, and prints {@code deployment.flotilla.dev/NAME
 * created|configured|unchanged}. Stops at the first document the controller refuses, naming the
 * document and the field.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = "Create or update deployments from a manifest file (several documents per file).")
final class ApplyCommand extends ClientCommand {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "The manifest file; - reads standard input.")
  String file;

  /** Standard input, for {@code -f -}; tests replace it. */
  InputStream stdin = System.in;

  @Override
  int execute() {
    List<Document> docs = ManifestDocuments.split(read());
    if (docs.isEmpty()) {
      throw usage("no manifest in " + source() + ": the file holds no YAML document");
    }
    for (Document doc : docs) {
      out().println(apply(doc));
      out().flush();
    }
    return 0;
  }

  private String apply(Document doc) {
    ApiClient api = api();
    String name = doc.name();
    JsonNode before = name.isEmpty() ? null : manifest(api, name);
    JsonNode answer;
    try {
      answer =
          ApiClient.readJson(
              api.send("POST", "/api/v1/deployments", "application/yaml", doc.text(), null).body());
    } catch (ApiException e) {
      throw new ApiException(
          e.status(), e.error(), e.field(), where(doc, name) + " refused: " + e.getMessage());
    }
    String applied = answer.path("deployment").path("name").asText(name);
    String verdict;
    if (answer.path("created").asBoolean(false)) {
      verdict = "created";
    } else {
      JsonNode after = manifest(api, applied);
      verdict = before != null && before.equals(after) ? "unchanged" : "configured";
    }
    return "deployment.flotilla.dev/" + applied + " " + verdict;
  }

  private String where(Document doc, String name) {
    String s = source() + ": document " + doc.index() + " (line " + doc.line();
    return s + (name.isEmpty() ? ")" : ", deployment " + name + ")");
  }

  private static @Nullable JsonNode manifest(ApiClient api, String name) {
    try {
      return api.get(path("/api/v1/deployments", name) + "/manifest");
    } catch (ApiException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
  }

  private String source() {
    return file.equals("-") ? "standard input" : file;
  }

  private String read() {
    try {
      if (file.equals("-")) {
        return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw usage("no such file: " + file);
    } catch (IOException e) {
      throw usage("cannot read " + file + ": " + e.getMessage());
    }
  }
}
