package dev.flotilla.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

class ByteStreamTest {
  /** Takes everything and keeps the subscription to cancel it. */
  private static final class Reader implements Subscriber<byte[]> {
    Subscription subscription;
    final List<String> got = new ArrayList<>();
    boolean completed;

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(byte[] chunk) {
      got.add(new String(chunk));
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {
      completed = true;
    }
  }

  private final ByteStream stream = new ByteStream();
  private final AtomicInteger hooks = new AtomicInteger();
  private final Reader reader = new Reader();

  /** A stream with a counting hook, a reader subscribed, and "a" pushed. */
  private void startWithOneChunk() {
    stream.onCancel(hooks::incrementAndGet);
    stream.subscribe(reader);
    stream.push("a".getBytes());
  }

  @Test
  void aReaderThatCancelsMidStreamRunsTheHookOnceAndGetsNothingMore() {
    startWithOneChunk();

    reader.subscription.cancel();
    reader.subscription.cancel();
    stream.push("b".getBytes());

    assertEquals(1, hooks.get());
    assertEquals(List.of("a"), reader.got);
  }

  @Test
  void aStreamThatEndedDoesNotRunTheHookOnALateCancel() {
    startWithOneChunk();
    stream.complete();

    reader.subscription.cancel();

    assertEquals(true, reader.completed);
    assertEquals(0, hooks.get());
  }
}
