package io.stage1xen.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A {@link ControlChannel.Listener} that writes each call down as one line, in the order the channel made them. */
final class EventLog implements ControlChannel.Listener {
  final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  @Override
  public void onHello(int version, String info) {
    events.add("hello " + version + " " + info);
  }

  @Override
  public void onStarted(int session, long pid) {
    events.add("started " + session + " " + pid);
  }

  @Override
  public void onReady() {
    events.add("ready");
  }

  @Override
  public void onExited(int session, int code) {
    events.add("exited " + session + " " + code);
  }

  @Override
  public void onOutput(int session, Stream stream, byte[] data) {
    events.add(stream + " " + session + " " + new String(data, StandardCharsets.ISO_8859_1));
  }

  @Override
  public void onLog(int session, LogLevel level, String text) {
    events.add("log " + session + " " + level + " " + text);
  }

  @Override
  public void onRemoved(int session) {
    events.add("removed " + session);
  }

  @Override
  public void onPoweroff(PoweroffReason reason) {
    events.add("poweroff " + reason);
  }

  @Override
  public void onClosed(IOException cause) {
    events.add("closed " + (cause == null ? "clean" : cause.getMessage()));
  }
}
