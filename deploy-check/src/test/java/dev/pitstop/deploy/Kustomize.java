package dev.pitstop.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The objects a kustomization yields: {@code kubectl kustomize DIR} when kubectl is on the PATH;
 * without it only k8s/base can be read (its files as they are: it has no patches), and tests of the
 * overlays are skipped, saying so.
 */
final class Kustomize {
  static final List<String> TARGETS =
      List.of(
          "k8s/base", "k8s/overlays/dev", "k8s/overlays/namespaced", "k8s/overlays/kafka-strimzi");

  /** {@code -Dpitstop.kubectl=PATH} picks another kubectl (or none: a path that does not exist). */
  static final String KUBECTL = System.getProperty("pitstop.kubectl", "kubectl");

  private static Boolean kubectl;

  private Kustomize() {}

  static synchronized boolean kubectlPresent() {
    if (kubectl == null) {
      try {
        Process p =
            new ProcessBuilder(KUBECTL, "version", "--client").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        kubectl = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        kubectl = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kubectl = false;
      }
    }
    return kubectl;
  }

  private static final Map<String, String> BUILT = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A fresh copy of the objects each time (tests may change them); kubectl runs once per target.
   */
  static List<Map<String, Object>> build(String target) {
    if (kubectlPresent()) {
      return Yaml.documents(BUILT.computeIfAbsent(target, Kustomize::kustomize));
    }
    return read(target);
  }

  private static String kustomize(String target) {
    Path dir = PitstopService.Repo.root().resolve(target);
    try {
      Process p = new ProcessBuilder(KUBECTL, "kustomize", dir.toString()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize " + target + ": " + new String(err, StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static List<Map<String, Object>> read(String target) {
    Path dir = PitstopService.Repo.root().resolve(target);
    try {
      Assumptions.assumeTrue(
          target.equals("k8s/base"),
          "kubectl is not on the PATH: " + target + " is not built, its checks are skipped");
      List<Map<String, Object>> docs = new ArrayList<>();
      Map<String, Object> k =
          Yaml.documents(Files.readString(dir.resolve("kustomization.yaml"))).get(0);
      for (Object file : Yaml.list(k, "resources")) {
        docs.addAll(Yaml.documents(Files.readString(dir.resolve(file.toString()))));
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  static Map<String, Object> named(List<Map<String, Object>> docs, String kind, String name) {
    return ofKind(docs, kind).stream()
        .filter(d -> name.equals(Yaml.string(d, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }
}
