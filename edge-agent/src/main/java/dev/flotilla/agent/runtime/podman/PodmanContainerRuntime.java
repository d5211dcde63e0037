package dev.flotilla.agent.runtime.podman;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.flotilla.agent.model.ContainerInfo;
import dev.flotilla.agent.runtime.ContainerRuntime;
import dev.flotilla.agent.runtime.ContainerRuntimeException;
import dev.flotilla.agent.runtime.ContainerRuntimeException.Kind;
import dev.flotilla.agent.runtime.ContainerSpec;
import dev.flotilla.agent.runtime.podman.PodmanWire.ExecOutput;
import dev.flotilla.agent.runtime.podman.PodmanWire.TimedEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * {@link ContainerRuntime} on Podman's libpod REST API ({@code /v4.0.0/libpod/...}, checked against
 * Podman 4.3.1), spoken over the Podman service's Unix socket with OkHttp.
 *
 * <p>Timeouts: ordinary calls connect within {@value #CONNECT_SECONDS} s and must answer within
 * {@value #READ_SECONDS} s (the engine is local); {@link #stop} allows its stop timeout on top;
 * {@link #exec} is bounded by its own timeout, a followed {@link #logs} read by its follow time;
 * {@link #pull} and the event stream have no read timeout (registries are slow, and Podman reports
 * pull progress rarely).
 *
 * <p>Errors: IO failures (socket missing, service down, no answer) are {@link Kind#UNAVAILABLE},
 * naming the socket and how to start the service; answers are typed by status, refined by Podman's
 * {@code cause} where Podman 4.3 answers 500 for what is a missing object or a conflict (see {@link
 * PodmanWire#kind}); the message keeps Podman's own text.
 *
 * <p>Thread-safe. {@link #close} cancels calls in flight and ends every event stream.
 */
public final class PodmanContainerRuntime implements ContainerRuntime {
  private static final System.Logger LOG = System.getLogger(PodmanContainerRuntime.class.getName());

  static final int CONNECT_SECONDS = 5;
  static final int READ_SECONDS = 30;

  /** The largest piece of log output handed to a log sink at once. */
  static final int LOG_CHUNK_BYTES = 16 * 1024;

  /** The most exec output kept; the rest is read and dropped. */
  static final int MAX_EXEC_OUTPUT_BYTES = 64 * 1024;

  private static final Duration EVENTS_FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration EVENTS_MAX_BACKOFF = Duration.ofSeconds(30);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final AtomicInteger STREAM_NUMBERS = new AtomicInteger();

  private final Path socket;
  private final Clock clock;
  private final HttpUrl api;

  /** Ordinary calls: short timeouts. */
  private final OkHttpClient client;

  /** Calls that may rightly take long (pull, events, exec, stop): no read timeout of its own. */
  private final OkHttpClient streaming;

  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param socket the Podman service's socket, e.g. {@code /run/podman/podman.sock}; nothing is
   *     connected until the first call
   */
  public PodmanContainerRuntime(Path socket) {
    this(socket, Clock.systemUTC());
  }

  /**
   * @param clock the node's clock, which must agree with Podman's: it dates the start of {@link
   *     #events} subscriptions
   */
  public PodmanContainerRuntime(Path socket, Clock clock) {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.api = HttpUrl.get("http://podman/v4.0.0/libpod/");
    this.client =
        new OkHttpClient.Builder()
            .socketFactory(new UnixSocketFactory(socket))
            .dns(hostname -> List.of(InetAddress.getLoopbackAddress()))
            .proxy(Proxy.NO_PROXY)
            // No idle connections: see UnixSocketFactory (idle-connection probes need soTimeout).
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
            // A POST such as create must never be sent twice.
            .retryOnConnectionFailure(false)
            .connectTimeout(Duration.ofSeconds(CONNECT_SECONDS))
            .readTimeout(Duration.ofSeconds(READ_SECONDS))
            .writeTimeout(Duration.ofSeconds(READ_SECONDS))
            .build();
    this.streaming = client.newBuilder().readTimeout(Duration.ZERO).build();
  }

  /**
   * Where the Podman service listens by default: the path of {@code CONTAINER_HOST} when that is a
   * {@code unix://} URL (as Podman's own remote client reads it); else {@code
   * /run/podman/podman.sock} for root; else the rootless {@code
   * $XDG_RUNTIME_DIR/podman/podman.sock}.
   */
  public static Path defaultSocket() {
    String containerHost = System.getenv("CONTAINER_HOST");
    if (containerHost != null && containerHost.startsWith("unix://")) {
      return Path.of(containerHost.substring("unix://".length()));
    }
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    Object uid;
    try {
      uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      uid = "root".equals(System.getProperty("user.name")) ? 0 : -1;
    }
    return !Integer.valueOf(0).equals(uid) && runtimeDir != null && !runtimeDir.isBlank()
        ? Path.of(runtimeDir, "podman", "podman.sock")
        : Path.of("/run/podman/podman.sock");
  }

  /** The socket this runtime talks to. */
  public Path socket() {
    return socket;
  }

  /** Checks that the service answers; throws {@link Kind#UNAVAILABLE} when it does not. */
  public void ping() {
    Reply reply = send(client, get(url("_ping")), "ping");
    if (!reply.ok()) {
      throw failure("ping", reply);
    }
  }

  @Override
  public List<ContainerInfo> listByLabel(String key) {
    Objects.requireNonNull(key, "key");
    HttpUrl url =
        url("containers", "json")
            .newBuilder()
            .addQueryParameter("all", "true")
            .addQueryParameter("filters", PodmanWire.write(Map.of("label", List.of(key))))
            .build();
    String what = "list containers labelled " + key;
    Reply reply = send(client, get(url), what);
    if (!reply.ok()) {
      throw failure(what, reply);
    }
    List<ContainerInfo> result = new ArrayList<>();
    for (Object entry : PodmanWire.list(reply.json(what))) {
      result.add(PodmanWire.fromListEntry(PodmanWire.object(entry)));
    }
    return List.copyOf(result);
  }

  @Override
  public Optional<ContainerInfo> inspect(String idOrName) {
    return inspectTree(idOrName).map(PodmanWire::fromInspect);
  }

  private Optional<Map<String, Object>> inspectTree(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    String what = "inspect container " + idOrName;
    Reply reply = send(client, get(url("containers", idOrName, "json")), what);
    if (reply.status() == 404) {
      return Optional.empty();
    }
    if (!reply.ok()) {
      throw failure(what, reply);
    }
    return Optional.of(PodmanWire.object(reply.json(what)));
  }

  @Override
  public String create(ContainerSpec spec) {
    String what = "create container " + spec.name() + " from " + spec.image();
    Reply reply =
        send(client, post(url("containers", "create"), PodmanWire.createBody(spec)), what);
    if (!reply.ok()) {
      throw failure(what, reply);
    }
    Map<String, Object> created = PodmanWire.object(reply.json(what));
    String id = PodmanWire.string(created.get("Id"));
    if (id.isEmpty()) {
      throw new ContainerRuntimeException(
          Kind.ENGINE_ERROR, "podman: " + what + ": the answer has no container id");
    }
    List<Object> warnings = PodmanWire.list(created.get("Warnings"));
    if (!warnings.isEmpty()) {
      LOG.log(
          WARNING,
          "podman.container.create_warnings id={0} name={1} warnings={2}",
          id,
          spec.name(),
          warnings);
    }
    LOG.log(
        DEBUG, "podman.container.created id={0} name={1} image={2}", id, spec.name(), spec.image());
    return id;
  }

  @Override
  public void start(String id) {
    String what = "start container " + id;
    Reply reply = send(client, post(url("containers", id, "start"), null), what);
    if (!reply.ok() && reply.status() != 304) { // 304: already running
      throw failure(what, reply);
    }
  }

  @Override
  public void stop(String id, Duration timeout) {
    long seconds = seconds(timeout);
    String what = "stop container " + id;
    HttpUrl url =
        url("containers", id, "stop")
            .newBuilder()
            .addQueryParameter("timeout", Long.toString(seconds))
            .build();
    Call call = streaming.newCall(post(url, null));
    call.timeout().timeout(seconds + READ_SECONDS, TimeUnit.SECONDS);
    Reply reply = send(call, what);
    if (!reply.ok() && reply.status() != 304) { // 304: not running
      throw failure(what, reply);
    }
  }

  @Override
  public void remove(String id, boolean force) {
    String what = "remove container " + id;
    HttpUrl url =
        url("containers", id)
            .newBuilder()
            .addQueryParameter("force", Boolean.toString(force))
            // Anonymous volumes the image declared go with it; named volumes stay.
            .addQueryParameter("v", "true")
            .build();
    Call call = streaming.newCall(new Request.Builder().url(url).delete().build());
    // Forcing stops the container first, with its own stop timeout (10 s by default).
    call.timeout().timeout(2L * READ_SECONDS, TimeUnit.SECONDS);
    Reply reply = send(call, what);
    if (!reply.ok() && reply.status() != 404) {
      throw failure(what, reply);
    }
  }

  /**
   * Pulls with Podman's default policy (always). Podman answers 200 at once and then streams JSON
   * lines; a failure arrives as an {@code error} line, which becomes {@link Kind#ENGINE_ERROR}.
   */
  @Override
  public void pull(String image) {
    Objects.requireNonNull(image, "image");
    String what = "pull " + image;
    HttpUrl url = url("images", "pull").newBuilder().addQueryParameter("reference", image).build();
    Call call = streaming.newCall(post(url, null));
    try (Response response = call.execute()) {
      ResponseBody body = Objects.requireNonNull(response.body());
      if (!response.isSuccessful()) {
        throw failure(what, new Reply(response.code(), body.string()));
      }
      BufferedSource source = body.source();
      String imageId = "";
      for (String line; (line = source.readUtf8Line()) != null; ) {
        Map<String, Object> message = PodmanWire.readObject(line);
        String error = PodmanWire.string(message.get("error"));
        if (!error.isEmpty()) {
          throw new ContainerRuntimeException(Kind.ENGINE_ERROR, "podman: " + what + ": " + error);
        }
        String id = PodmanWire.string(message.get("id"));
        if (!id.isEmpty()) {
          imageId = id;
        }
      }
      if (imageId.isEmpty()) {
        throw new ContainerRuntimeException(
            Kind.ENGINE_ERROR, "podman: " + what + ": the pull ended without an image id");
      }
      LOG.log(INFO, "podman.image.pulled image={0} id={1}", image, imageId);
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  @Override
  public boolean imageExists(String image) {
    Objects.requireNonNull(image, "image");
    String what = "check image " + image;
    Reply reply = send(client, get(url("images", image, "exists")), what);
    if (reply.status() == 404) {
      return false;
    }
    if (!reply.ok()) {
      throw failure(what, reply);
    }
    return true;
  }

  /**
   * Runs the command without a TTY and collects stdout and stderr together (the first {@value
   * #MAX_EXEC_OUTPUT_BYTES} bytes). On timeout the result is exit code -1 with the output so far;
   * the command itself is left running, because Podman's API has no way to stop an exec session.
   */
  @Override
  public ExecResult exec(String id, List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("exec needs a command");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("exec needs a positive timeout, not " + timeout);
    }
    String what = "exec " + command + " in container " + id;
    Reply created =
        send(
            client,
            post(
                url("containers", id, "exec"),
                Map.of("Cmd", List.copyOf(command), "AttachStdout", true, "AttachStderr", true)),
            what);
    if (!created.ok()) {
      throw failure(what, created);
    }
    String execId = PodmanWire.string(PodmanWire.object(created.json(what)).get("Id"));
    if (execId.isEmpty()) {
      throw new ContainerRuntimeException(
          Kind.ENGINE_ERROR, "podman: " + what + ": the answer has no exec session id");
    }

    Call call =
        streaming.newCall(
            post(url("exec", execId, "start"), Map.of("Detach", false, "Tty", false)));
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    ExecOutput output = new ExecOutput(MAX_EXEC_OUTPUT_BYTES);
    try (Response response = call.execute()) {
      ResponseBody body = Objects.requireNonNull(response.body());
      if (!response.isSuccessful()) {
        throw failure(what, new Reply(response.code(), body.string()));
      }
      output.readFrom(body.byteStream());
    } catch (IOException e) {
      if (!closed && (e instanceof InterruptedIOException || call.isCanceled())) {
        LOG.log(
            INFO,
            "podman.exec.timed_out container={0} exec={1} timeout_ms={2}",
            id,
            execId,
            // a string: MessageFormat would group the digits (1,000)
            String.valueOf(timeout.toMillis()));
        return new ExecResult(-1, output.text());
      }
      throw unavailable(what, e);
    }

    String inspectWhat = "inspect exec session " + execId + " in container " + id;
    Reply inspected = send(client, get(url("exec", execId, "json")), inspectWhat);
    if (!inspected.ok()) {
      throw failure(inspectWhat, inspected);
    }
    Map<String, Object> session = PodmanWire.object(inspected.json(inspectWhat));
    if (Boolean.TRUE.equals(session.get("Running"))) {
      throw new ContainerRuntimeException(
          Kind.ENGINE_ERROR, "podman: " + what + ": the output ended but the command still runs");
    }
    return new ExecResult((int) PodmanWire.number(session.get("ExitCode")), output.text());
  }

  /**
   * Reads {@code GET /containers/{id}/logs} with stdout and stderr, demultiplexing the framed
   * stream of a container without a TTY ({@link PodmanWire#copyLog}); pieces reach the sink as
   * Podman sends them, at most {@value #LOG_CHUNK_BYTES} bytes each. Without follow the read is
   * bounded like an ordinary call ({@value #READ_SECONDS} s); with follow it is cancelled when the
   * follow time is over, which ends the read normally. Podman ends a follow itself when the
   * container stops. Each stream keeps its order; between them Podman 4.3 may answer a non-follow
   * read with stdout's lines before stderr's, and apply {@code tail} in that order.
   */
  @Override
  public void logs(String id, int tailLines, Duration follow, LogSink sink) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(follow, "follow");
    Objects.requireNonNull(sink, "sink");
    boolean following = follow.compareTo(Duration.ZERO) > 0;
    String what = "read the log of container " + id;
    HttpUrl url =
        url("containers", id, "logs")
            .newBuilder()
            .addQueryParameter("stdout", "true")
            .addQueryParameter("stderr", "true")
            .addQueryParameter("tail", tailLines < 0 ? "all" : Integer.toString(tailLines))
            .addQueryParameter("follow", Boolean.toString(following))
            .build();
    ensureOpen();
    Call call = streaming.newCall(get(url));
    call.timeout()
        .timeout(following ? follow.toMillis() : READ_SECONDS * 1000L, TimeUnit.MILLISECONDS);
    CompletableFuture<Void> stop = sink.stopped().toCompletableFuture();
    // Cancelling the call breaks a read blocked on a quiet container; the read then ends normally.
    stop.thenRun(call::cancel);
    try (Response response = call.execute()) {
      ResponseBody body = Objects.requireNonNull(response.body());
      if (!response.isSuccessful()) {
        throw failure(what, new Reply(response.code(), body.string()));
      }
      PodmanWire.copyLog(body.byteStream(), LOG_CHUNK_BYTES, sink);
    } catch (IOException e) {
      if (!closed && stop.isDone()) {
        LOG.log(DEBUG, "podman.logs.ended container={0} reason=stopped", id);
        return;
      }
      if (following && !closed && (e instanceof InterruptedIOException || call.isCanceled())) {
        LOG.log(DEBUG, "podman.logs.follow_ended container={0} reason=time", id);
        return;
      }
      throw unavailable(what, e);
    }
  }

  /**
   * Samples a running container: CONFLICT when it is not running. The memory limit comes from the
   * container's configuration (Podman's sample shows the host's memory when there is none).
   */
  @Override
  public Stats stats(String id) {
    String what = "stats of container " + id;
    Map<String, Object> container =
        inspectTree(id)
            .orElseThrow(
                () ->
                    new ContainerRuntimeException(
                        Kind.NOT_FOUND, "podman: " + what + ": no such container"));
    String state = PodmanWire.string(PodmanWire.object(container.get("State")).get("Status"));
    if (PodmanWire.state(state) != ContainerInfo.State.RUNNING) {
      throw new ContainerRuntimeException(
          Kind.CONFLICT, "podman: " + what + ": the container is not running (" + state + ")");
    }
    long memoryLimit =
        PodmanWire.number(PodmanWire.object(container.get("HostConfig")).get("Memory"));
    HttpUrl url =
        url("containers", "stats")
            .newBuilder()
            .addQueryParameter("stream", "false")
            .addQueryParameter("containers", PodmanWire.string(container.get("Id")))
            .build();
    Reply reply = send(client, get(url), what);
    if (!reply.ok()) {
      throw failure(what, reply);
    }
    return PodmanWire.stats(PodmanWire.object(reply.json(what)), memoryLimit)
        .orElseThrow(
            () ->
                new ContainerRuntimeException(
                    Kind.NOT_FOUND, "podman: " + what + ": Podman has no sample for it"));
  }

  /**
   * Streams container events from the moment of this call: the stream asks Podman for events since
   * then, so none is lost between this call and the connection, and after a broken stream it
   * reconnects (with back-off, 0.5 s doubling to 30 s) asking for those since the last one
   * delivered. (A clock stepped back while connected hides events for the length of the step; the
   * periodic reconcile covers that.) The listener runs on the stream's own daemon thread, one event
   * at a time; what it throws is logged and the stream goes on. Closing the handle ends the stream
   * and waits (up to 5 s) for a delivery in progress.
   */
  @Override
  public AutoCloseable events(Consumer<RuntimeEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    EventStream stream = new EventStream(listener, clock.instant());
    streams.add(stream);
    stream.thread.start();
    return stream;
  }

  @Override
  public void close() {
    closed = true;
    for (EventStream stream : List.copyOf(streams)) {
      stream.close();
    }
    client.dispatcher().cancelAll();
    streaming.dispatcher().cancelAll();
    client.connectionPool().evictAll();
  }

  // --- events ----------------------------------------------------------------------------------

  private final class EventStream implements AutoCloseable {
    private final Consumer<RuntimeEvent> listener;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Call current;

    /** Events after this are asked for at (re)connection; advanced by each delivered event. */
    private Instant since;

    EventStream(Consumer<RuntimeEvent> listener, Instant since) {
      this.listener = listener;
      this.since = since;
      this.thread =
          new Thread(this::run, "flotilla-podman-events-" + STREAM_NUMBERS.incrementAndGet());
      thread.setDaemon(true);
    }

    private boolean isStopped() {
      return stopped.getCount() == 0;
    }

    private void run() {
      Duration backoff = EVENTS_FIRST_BACKOFF;
      boolean reconnecting = false;
      while (!isStopped()) {
        // Podman filters the live stream by `since` too: after the clock was stepped back, ask
        // from now, or events would be hidden until the clock caught up.
        Instant now = clock.instant();
        if (since.isAfter(now)) {
          since = now;
        }
        HttpUrl url =
            url("events")
                .newBuilder()
                .addQueryParameter("stream", "true")
                .addQueryParameter("since", since.toString())
                .addQueryParameter(
                    "filters", PodmanWire.write(Map.of("type", List.of("container"))))
                .build();
        Call call = streaming.newCall(get(url));
        current = call;
        if (isStopped()) {
          break;
        }
        boolean delivered = false;
        String why;
        try (Response response = call.execute()) {
          ResponseBody body = Objects.requireNonNull(response.body());
          if (!response.isSuccessful()) {
            throw failure("stream events", new Reply(response.code(), body.string()));
          }
          if (reconnecting) {
            LOG.log(INFO, "podman.events.reconnected socket={0} since={1}", socket, since);
          }
          BufferedSource source = body.source();
          for (String line; (line = source.readUtf8Line()) != null; ) {
            Optional<TimedEvent> event = PodmanWire.event(PodmanWire.readObject(line));
            if (event.isEmpty() || isStopped()) {
              continue;
            }
            deliver(event.get());
            delivered = true;
          }
          why = "the stream ended";
        } catch (IOException | RuntimeException e) {
          why = String.valueOf(e);
        }
        if (isStopped()) {
          break;
        }
        backoff = delivered ? EVENTS_FIRST_BACKOFF : backoff;
        LOG.log(
            WARNING,
            "podman.events.broken socket={0} reason=\"{1}\" retry_in_ms={2}",
            socket,
            why,
            String.valueOf(backoff.toMillis()));
        reconnecting = true;
        try {
          if (stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(EVENTS_MAX_BACKOFF) > 0 ? EVENTS_MAX_BACKOFF : doubled;
      }
      LOG.log(DEBUG, "podman.events.stopped socket={0}", socket);
    }

    private void deliver(TimedEvent event) {
      if (event.timeNanos() > 0) {
        Instant at = Instant.ofEpochSecond(0, event.timeNanos());
        if (at.isAfter(since)) {
          since = at;
        }
      }
      try {
        listener.accept(event.event());
      } catch (RuntimeException e) {
        LOG.log(
            WARNING,
            "podman.events.listener_failed container="
                + event.event().containerId()
                + " action="
                + event.event().action(),
            e);
      }
    }

    @Override
    public void close() {
      stopped.countDown();
      streams.remove(this);
      Call call = current;
      if (call != null) {
        call.cancel();
      }
      if (Thread.currentThread() != thread) {
        try {
          thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // --- HTTP ------------------------------------------------------------------------------------

  /** A finished exchange: status and body text. */
  private record Reply(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    Object json(String what) {
      try {
        return PodmanWire.read(body);
      } catch (IOException e) {
        throw new ContainerRuntimeException(
            Kind.ENGINE_ERROR, "podman: " + what + ": unreadable answer: " + e.getMessage(), e);
      }
    }
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder builder = api.newBuilder();
    for (String segment : segments) {
      builder.addPathSegment(segment);
    }
    return builder.build();
  }

  private static Request get(HttpUrl url) {
    return new Request.Builder().url(url).get().build();
  }

  private static Request post(HttpUrl url, Object jsonBody) {
    String text = jsonBody == null ? "" : PodmanWire.write(jsonBody);
    return new Request.Builder().url(url).post(RequestBody.create(text, JSON)).build();
  }

  private Reply send(OkHttpClient http, Request request, String what) {
    return send(http.newCall(request), what);
  }

  private Reply send(Call call, String what) {
    ensureOpen();
    try (Response response = call.execute()) {
      ResponseBody body = Objects.requireNonNull(response.body());
      return new Reply(response.code(), body.string());
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ContainerRuntimeException(
          Kind.UNAVAILABLE, "podman: this runtime is closed (socket " + socket + ")");
    }
  }

  private ContainerRuntimeException failure(String what, Reply reply) {
    Map<String, Object> error = PodmanWire.readObject(reply.body());
    String text = PodmanWire.errorText(reply.body(), error);
    Kind kind =
        PodmanWire.kind(
            reply.status(), PodmanWire.cause(error), PodmanWire.string(error.get("message")));
    return new ContainerRuntimeException(
        kind, "podman: " + what + ": " + text + " (HTTP " + reply.status() + ")");
  }

  /** An IO failure, saying what to do about it. */
  private ContainerRuntimeException unavailable(String what, IOException e) {
    String start = "start it with `podman system service --time=0 unix://" + socket + "`";
    String message;
    if (closed) {
      message = "podman: " + what + ": this runtime was closed";
    } else if (!Files.exists(socket)) {
      message =
          "podman: "
              + what
              + ": the Podman socket "
              + socket
              + " does not exist; is the Podman service running? "
              + start
              + " (or, where systemd runs Podman's units, `systemctl enable --now podman.socket`)";
    } else if (e instanceof ConnectException) {
      message =
          "podman: "
              + what
              + ": nothing answers on the Podman socket "
              + socket
              + " ("
              + e.getMessage()
              + "); "
              + start;
    } else {
      message = "podman: " + what + ": the Podman service on " + socket + " did not answer: " + e;
    }
    return new ContainerRuntimeException(Kind.UNAVAILABLE, message, e);
  }

  /** Whole seconds for Podman's timeouts, rounded up; negative durations count as zero. */
  private static long seconds(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
  }
}
