package dev.inference.nemotron.pod.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on loopback, in the real one's shape: the listing at {@code
 * /api/models/ORG/NAME/revision/REV} ({@code sha}, {@code siblings} with {@code size} and {@code
 * lfs.sha256}), small files served from {@code /ORG/NAME/resolve/REV/PATH}, and LFS files (the
 * safetensors) redirected (302) to a second server on another port, the CDN, as the Hub does. Both
 * honour Range requests; faults are injected per file (a cut connection, a stall, a listing that
 * lies about a size or checksum). Every request is recorded.
 */
final class FakeHub implements AutoCloseable {
  /** The commit every revision of the fake points at. */
  static final String COMMIT = "4f1c2b7e9a0d3c5b6e8f1a2d4c6b8e0f2a4c6e8b";

  static final String ORG = "nvidia";
  static final String NAME = "tiny-diffusion";
  static final String SOURCE = "hf://" + ORG + "/" + NAME;

  /**
   * One request.
   *
   * @param server "hub" or "cdn"
   * @param path the decoded request path
   * @param range the Range header, or null
   * @param authorization the Authorization header, or null
   */
  record Request(String server, String method, String path, String range, String authorization) {}

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, String> shaOf = new ConcurrentHashMap<>();
  private final Map<String, Long> sizeLies = new ConcurrentHashMap<>();
  private final Map<String, String> shaLies = new ConcurrentHashMap<>();
  private final Map<String, Long> cuts = new ConcurrentHashMap<>();
  private final Map<String, Long> stalls = new ConcurrentHashMap<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpServer hub;
  private final HttpServer cdn;
  private volatile String requiredToken;
  private volatile boolean listSizes = true;

  /** Serves every file under {@code checkpoint} as the repository's content. */
  FakeHub(Path checkpoint) throws IOException {
    try (Stream<Path> paths = Files.walk(checkpoint)) {
      for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
        addFile(checkpoint.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    hub.setExecutor(executor);
    cdn.setExecutor(executor);
    hub.createContext("/", e -> handle(e, this::hub));
    cdn.createContext("/", e -> handle(e, this::cdn));
    hub.start();
    cdn.start();
  }

  /**
   * A tiny checkpoint in {@code dir} with everything the runtime reads: two safetensors shards and
   * their index, the tokenizer, generation_config.json and the draft adapter.
   */
  static Path checkpoint(Path dir) throws IOException {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    TinyCheckpoint.write(
        new TinyCheckpointSpec(
            d.hidden(),
            d.layers(),
            d.intermediate(),
            d.heads(),
            d.kvHeads(),
            d.headDim(),
            d.vocab(),
            d.dtype(),
            d.seed(),
            d.originalMaxPositions(),
            d.ropeTheta(),
            d.ropeFactor(),
            2,
            4,
            null),
        dir);
    return dir;
  }

  /** Adds files a Hub repository has but the runtime never reads. */
  void addUnneededFiles() {
    addFile("README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
    addFile(".gitattributes", "*.safetensors filter=lfs".getBytes(StandardCharsets.UTF_8));
    addFile("pytorch_model.bin", new byte[4096]);
    addFile("model-q4.gguf", new byte[4096]);
    addFile("original/consolidated.safetensors", new byte[2048]);
    addFile("linear_spec_lora/README.md", "adapter".getBytes(StandardCharsets.UTF_8));
  }

  /** Adds (or replaces) a file of the repository. */
  void addFile(String path, byte[] content) {
    files.put(path, content);
    shaOf.put(sha256(content), path);
  }

  byte[] content(String path) {
    return files.get(path);
  }

  /** The Hub's base URL, for {@code HF_ENDPOINT}. */
  String endpoint() {
    return "http://" + hub.getAddress().getHostString() + ":" + hub.getAddress().getPort();
  }

  /** The environment of a fetch against this hub, with extra variables. */
  Map<String, String> env(String... keyValues) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HF_ENDPOINT", endpoint());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  HubAccess access(String... keyValues) {
    return HubAccess.fromEnvironment(env(keyValues));
  }

  /** Refuses every Hub request without this bearer token (a gated model). */
  void requireToken(String token) {
    requiredToken = token;
  }

  /** The listing gives no sizes (an older Hub, a mirror): the client must ask with HEAD. */
  void listWithoutSizes() {
    listSizes = false;
  }

  /** The listing says the file has {@code extra} more bytes than it has. */
  void lieAboutSize(String path, long extra) {
    sizeLies.put(path, extra);
  }

  /** The listing gives another SHA-256 for the file. */
  void lieAboutChecksum(String path) {
    shaLies.put(path, "0".repeat(64));
  }

  /** The next GET of the file sends {@code bytes} bytes of its body, then drops the connection. */
  void cutOnce(String path, long bytes) {
    cuts.put(path, bytes);
  }

  /** The next GET of the file sends {@code bytes} bytes, then stalls until the hub closes. */
  void stallOnce(String path, long bytes) {
    stalls.put(path, bytes);
  }

  List<Request> requests(String server) {
    return requests.stream().filter(r -> r.server().equals(server)).toList();
  }

  /**
   * GETs of a file's content, wherever they were served (the hub or, after a redirect, the CDN).
   */
  List<Request> downloadsOf(String path) {
    String blob = "/blobs/" + sha256(files.get(path));
    String resolve = "/" + ORG + "/" + NAME + "/resolve/" + COMMIT + "/" + path;
    return requests.stream()
        .filter(r -> r.method().equals("GET"))
        .filter(r -> r.path().equals(blob) || (r.path().equals(resolve) && !isLfs(path)))
        .toList();
  }

  static boolean isLfs(String path) {
    return path.endsWith(".safetensors");
  }

  @Override
  public void close() {
    released.countDown();
    hub.stop(0);
    cdn.stop(0);
    executor.shutdownNow();
  }

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange exchange, String path) throws IOException;
  }

  private void handle(HttpExchange exchange, Handler handler) throws IOException {
    String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
    requests.add(
        new Request(
            exchange.getHttpContext().getServer() == hub ? "hub" : "cdn",
            exchange.getRequestMethod(),
            path,
            exchange.getRequestHeaders().getFirst("Range"),
            exchange.getRequestHeaders().getFirst("Authorization")));
    try (exchange) {
      handler.handle(exchange, path);
    } catch (IOException e) {
      // a connection the test cut or the client dropped
    }
  }

  private void hub(HttpExchange exchange, String path) throws IOException {
    String token = requiredToken;
    if (token != null
        && !("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      error(
          exchange,
          401,
          "GatedRepo",
          "Access to model " + ORG + "/" + NAME + " is restricted. You must be authenticated.");
      return;
    }
    String api = "/api/models/" + ORG + "/" + NAME + "/revision/";
    String resolve = "/" + ORG + "/" + NAME + "/resolve/";
    if (path.startsWith(api)) {
      String revision = path.substring(api.length());
      if (!revision.equals("main") && !revision.equals(COMMIT)) {
        error(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
        return;
      }
      sendJson(exchange, listing());
    } else if (path.startsWith(resolve)) {
      String rest = path.substring(resolve.length());
      int slash = rest.indexOf('/');
      String revision = rest.substring(0, slash);
      String file = rest.substring(slash + 1);
      if (!revision.equals("main") && !revision.equals(COMMIT)) {
        error(exchange, 404, "RevisionNotFound", "Invalid rev id: " + revision);
      } else if (!files.containsKey(file)) {
        error(exchange, 404, "EntryNotFound", file + " does not exist");
      } else if (isLfs(file)) {
        // the real Hub answers LFS files with a signed CDN URL
        exchange.getResponseHeaders().set("X-Linked-Size", String.valueOf(files.get(file).length));
        exchange
            .getResponseHeaders()
            .set(
                "Location",
                "http://"
                    + cdn.getAddress().getHostString()
                    + ":"
                    + cdn.getAddress().getPort()
                    + "/blobs/"
                    + sha256(files.get(file))
                    + "?Signature=fake");
        exchange.sendResponseHeaders(302, -1);
      } else {
        serve(exchange, file);
      }
    } else {
      error(exchange, 404, "RepoNotFound", "Repository not found");
    }
  }

  private void cdn(HttpExchange exchange, String path) throws IOException {
    String file = path.startsWith("/blobs/") ? shaOf.get(path.substring("/blobs/".length())) : null;
    if (file == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    serve(exchange, file);
  }

  private ObjectNode listing() {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", ORG + "/" + NAME);
    root.put("sha", COMMIT);
    ArrayNode siblings = root.putArray("siblings");
    files.forEach(
        (path, content) -> {
          ObjectNode sibling = siblings.addObject().put("rfilename", path);
          long size = content.length + sizeLies.getOrDefault(path, 0L);
          if (listSizes) {
            sibling.put("size", size);
            sibling.put("blobId", "b".repeat(40));
          }
          if (isLfs(path)) {
            ObjectNode lfs = sibling.putObject("lfs");
            lfs.put("sha256", shaLies.getOrDefault(path, sha256(content)));
            if (listSizes) {
              lfs.put("size", size);
            }
            lfs.put("pointerSize", 134);
          }
        });
    return root;
  }

  /** The file's bytes, from the Range's start when there is one; faults applied. */
  private void serve(HttpExchange exchange, String file) throws IOException {
    byte[] content = files.get(file);
    long total = content.length;
    int from = 0;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher m = RANGE.matcher(range);
      if (!m.lookingAt()) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      from = Integer.parseInt(m.group(1));
      if (from >= total) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + total);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      exchange
          .getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (total - 1) + "/" + total);
    }
    exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    int status = range == null ? 200 : 206;
    int length = content.length - from;
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    Long cut = cuts.remove(file);
    Long stall = stalls.remove(file);
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    OutputStream body = exchange.getResponseBody();
    if (cut != null || stall != null) {
      int sent = (int) Math.min(length, cut != null ? cut : stall);
      body.write(content, from, sent);
      body.flush();
      if (stall != null) {
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      // closing with bytes missing makes the server drop the connection mid-body
      return;
    }
    body.write(content, from, length);
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    exchange.getResponseHeaders().set("X-Error-Code", code);
    exchange.getResponseHeaders().set("X-Error-Message", message);
    byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void sendJson(HttpExchange exchange, ObjectNode json) throws IOException {
    byte[] body = JSON.writeValueAsBytes(json);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
