package dev.flotilla.controller.api;

import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A {@link Publisher} of byte chunks pushed in by a producer that must never block (the MQTT link's
 * thread): chunks wait in memory until the HTTP response asks for them. One subscriber only. The
 * memory it can hold is bounded by the producer (a log stream's byte budget). Thread-safe: {@link
 * #push}, {@link #complete}, {@link #fail} and the subscriber's requests may come from any thread;
 * the subscriber's signals are serialised.
 */
final class ByteStream implements Publisher<byte[]> {
  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private @Nullable Subscriber<? super byte[]> subscriber;
  private long demand;
  private boolean done;
  private @Nullable Throwable error;
  private boolean terminated;
  private boolean cancelled;
  private boolean draining;
  private @Nullable Runnable onCancel;

  @Override
  public void subscribe(Subscriber<? super byte[]> s) {
    Objects.requireNonNull(s, "subscriber");
    synchronized (lock) {
      if (subscriber != null) {
        s.onSubscribe(
            new Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
        s.onError(new IllegalStateException("a log stream has one subscriber only"));
        return;
      }
      subscriber = s;
    }
    s.onSubscribe(
        new Subscription() {
          @Override
          public void request(long n) {
            synchronized (lock) {
              if (n <= 0) {
                error = new IllegalArgumentException("request " + n + ": must be positive");
                done = true;
                queue.clear();
              } else {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
              }
            }
            drain();
          }

          @Override
          public void cancel() {
            Runnable hook;
            synchronized (lock) {
              if (cancelled) {
                return;
              }
              cancelled = true;
              queue.clear();
              hook = terminated ? null : onCancel;
            }
            if (hook != null) {
              hook.run();
            }
          }
        });
    drain();
  }

  /**
   * Runs {@code hook} once if the subscriber cancels before the stream has ended: the HTTP client
   * went away, so whatever produces the chunks may stop.
   */
  void onCancel(Runnable hook) {
    synchronized (lock) {
      onCancel = Objects.requireNonNull(hook, "hook");
    }
  }

  /** Adds a chunk; dropped once the stream ended or was cancelled. */
  void push(byte[] chunk) {
    synchronized (lock) {
      if (done || cancelled) {
        return;
      }
      queue.add(chunk);
    }
    drain();
  }

  /** Ends the stream after the chunks already pushed. */
  void complete() {
    synchronized (lock) {
      done = true;
    }
    drain();
  }

  /** Ends the stream with an error after the chunks already pushed (the response is aborted). */
  void fail(Throwable cause) {
    synchronized (lock) {
      if (done) {
        return;
      }
      error = cause;
      done = true;
    }
    drain();
  }

  private void drain() {
    Subscriber<? super byte[]> s;
    synchronized (lock) {
      if (draining || subscriber == null) {
        return;
      }
      draining = true;
      s = subscriber;
    }
    while (true) {
      byte[] next = null;
      Throwable failure = null;
      boolean finish = false;
      synchronized (lock) {
        if (cancelled || terminated) {
          draining = false;
          return;
        }
        if (!queue.isEmpty() && demand > 0) {
          next = queue.poll();
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
        } else if (queue.isEmpty() && done) {
          terminated = true;
          finish = true;
          failure = error;
        } else {
          draining = false;
          return;
        }
      }
      if (next != null) {
        s.onNext(next);
      } else if (finish) {
        if (failure != null) {
          s.onError(failure);
        } else {
          s.onComplete();
        }
      }
    }
  }
}
