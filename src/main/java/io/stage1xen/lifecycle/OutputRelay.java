package io.stage1xen.lifecycle;

import io.stage1xen.guest.ControlChannel;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The apps' output, as the guest sends it, on rkt's stdout and stderr: each chunk written whole and flushed at once,
 * so that a person watching {@code rkt run} sees it when the app wrote it and lines of two apps never interleave
 * mid-chunk.
 */
final class OutputRelay {
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final Object lock = new Object();

  OutputRelay(OutputStream stdout, OutputStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  void write(ControlChannel.Listener.Stream stream, byte[] data) {
    OutputStream out = stream == ControlChannel.Listener.Stream.STDOUT ? stdout : stderr;
    synchronized (lock) {
      try {
        out.write(data);
        out.flush();
      } catch (IOException e) {
        // rkt's stdout went away (a closed pipe): the pod keeps running, its output has nowhere to go
      }
    }
  }
}
