package io.stage1xen.guest.qemu;

import io.stage1xen.guest.ControlChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Everything the guest reported, kept for assertions; thread-safe. */
final class RecordingEvents implements ControlChannel.Listener {
  private final List<String> timeline = new ArrayList<>();
  private final Map<Integer, ByteArrayOutputStream> stdout = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> stderr = new HashMap<>();
  private final Map<Integer, Integer> exits = new HashMap<>();
  private final Map<Integer, Long> pids = new HashMap<>();
  private final List<String> logs = new ArrayList<>();
  private final CountDownLatch poweroff = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private final long startNanos = System.nanoTime();
  volatile String hello;
  volatile long helloMillis = -1;
  volatile long firstOutputMillis = -1;
  volatile PoweroffReason reason;
  volatile IOException closedWith;
  volatile boolean closed;

  private long elapsed() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public synchronized void onHello(int version, String info) {
    hello = info;
    helloMillis = elapsed();
    timeline.add("hello");
  }

  @Override
  public synchronized void onStarted(int session, long pid) {
    pids.put(session, pid);
    timeline.add("started " + session);
    notifyAll();
  }

  @Override
  public synchronized void onReady() {
    timeline.add("ready");
    ready.countDown();
  }

  @Override
  public synchronized void onExited(int session, int code) {
    exits.put(session, code);
    timeline.add("exited " + session + " " + code);
    notifyAll();
  }

  @Override
  public synchronized void onOutput(int session, Stream stream, byte[] data) {
    if (firstOutputMillis < 0) {
      firstOutputMillis = elapsed();
    }
    (stream == Stream.STDOUT ? stdout : stderr).computeIfAbsent(session, s -> new ByteArrayOutputStream())
        .writeBytes(data);
    timeline.add(stream.name().toLowerCase() + " " + session);
    notifyAll();
  }

  @Override
  public synchronized void onRemoved(int session) {
    timeline.add("removed " + session);
    notifyAll();
  }

  /** Waits until the timeline holds the entry (or the link closed / time ran out). */
  synchronized boolean awaitTimeline(String entry, Duration d) throws InterruptedException {
    long end = System.currentTimeMillis() + d.toMillis();
    while (!timeline.contains(entry) && !closed) {
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return timeline.contains(entry);
  }

  @Override
  public synchronized void onLog(int session, LogLevel level, String text) {
    logs.add(level + " " + session + " " + text);
    notifyAll();
  }

  @Override
  public synchronized void onPoweroff(PoweroffReason r) {
    reason = r;
    timeline.add("poweroff " + r);
    poweroff.countDown();
  }

  @Override
  public synchronized void onClosed(IOException cause) {
    closed = true;
    closedWith = cause;
    timeline.add("closed");
    poweroff.countDown();
    ready.countDown();
    notifyAll();
  }

  boolean awaitPoweroff(Duration d) throws InterruptedException {
    return poweroff.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean awaitReady(Duration d) throws InterruptedException {
    return ready.await(d.toMillis(), TimeUnit.MILLISECONDS) && !closed;
  }

  /** Waits until session's stdout contains text (or the link closed / time ran out). */
  synchronized boolean awaitStdout(int session, String text, Duration d) throws InterruptedException {
    long end = System.currentTimeMillis() + d.toMillis();
    while (!stdoutText(session).contains(text) && !closed) {
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return stdoutText(session).contains(text);
  }

  synchronized Integer awaitExit(int session, Duration d) throws InterruptedException {
    long end = System.currentTimeMillis() + d.toMillis();
    while (!exits.containsKey(session) && !closed) {
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return exits.get(session);
  }

  synchronized byte[] stdout(int session) {
    ByteArrayOutputStream b = stdout.get(session);
    return b == null ? new byte[0] : b.toByteArray();
  }

  synchronized byte[] stderr(int session) {
    ByteArrayOutputStream b = stderr.get(session);
    return b == null ? new byte[0] : b.toByteArray();
  }

  String stdoutText(int session) {
    return new String(stdout(session), StandardCharsets.UTF_8);
  }

  String stderrText(int session) {
    return new String(stderr(session), StandardCharsets.UTF_8);
  }

  synchronized Map<Integer, Integer> exits() {
    return Map.copyOf(exits);
  }

  synchronized Long pid(int session) {
    return pids.get(session);
  }

  synchronized List<String> timeline() {
    return List.copyOf(timeline);
  }

  synchronized List<String> logs() {
    return List.copyOf(logs);
  }
}
