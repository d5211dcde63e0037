package dev.flotilla.agent.runtime.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OkHttp over {@link UnixSocketFactory}, against a one-shot HTTP server on a Unix socket. */
class UnixSocketFactoryTest {
  @TempDir Path dir;

  private ServerSocketChannel server;

  @AfterEach
  void closeServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void okHttpSpeaksHttpOverTheSocketWhateverHostTheUrlNames() throws Exception {
    Path socket = listen();
    CompletableFuture<String> requestSeen =
        CompletableFuture.supplyAsync(
            () ->
                answerOnce(
                    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"));

    try (Response response =
        client(socket, Duration.ofSeconds(5))
            .newCall(new Request.Builder().url("http://podman.invalid/v4.0.0/libpod/_ping").build())
            .execute()) {
      assertEquals(200, response.code());
      assertEquals("hello", response.body().string());
    }
    String request = requestSeen.get(5, TimeUnit.SECONDS);
    assertTrue(request.startsWith("GET /v4.0.0/libpod/_ping HTTP/1.1\r\n"), request);
  }

  @Test
  void aReadTimeoutEndsAWaitForAnAnswerThatNeverComes() throws Exception {
    Path socket = listen();
    CompletableFuture.runAsync(() -> answerOnce(null)); // reads the request, never answers

    IOException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                assertThrows(
                    IOException.class,
                    () ->
                        client(socket, Duration.ofMillis(300))
                            .newCall(new Request.Builder().url("http://podman/slow").build())
                            .execute()));
    assertTrue(e instanceof SocketTimeoutException, e.toString());
  }

  @Test
  void aMissingSocketFileFailsToConnectNamingThePath() {
    Path missing = dir.resolve("absent.sock");

    ConnectException e =
        assertThrows(
            ConnectException.class,
            () -> new UnixSocketFactory(missing).createSocket().connect(null, 1000));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private Path listen() throws IOException {
    Path socket = dir.resolve("test.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return socket;
  }

  /** Accepts one connection, reads one request head, answers {@code answer} unless null. */
  private String answerOnce(String answer) {
    try (SocketChannel connection = server.accept()) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(1024);
      while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
        buffer.clear();
        if (connection.read(buffer) < 0) {
          break;
        }
        head.write(buffer.array(), 0, buffer.position());
      }
      if (answer == null) {
        connection.read(ByteBuffer.allocate(1)); // until the client gives up and closes
        return head.toString(StandardCharsets.US_ASCII);
      }
      connection.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
      return head.toString(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static OkHttpClient client(Path socket, Duration readTimeout) {
    return new OkHttpClient.Builder()
        .socketFactory(new UnixSocketFactory(socket))
        .dns(host -> List.of(InetAddress.getLoopbackAddress()))
        .proxy(Proxy.NO_PROXY)
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .retryOnConnectionFailure(false)
        .readTimeout(readTimeout)
        .build();
  }
}
