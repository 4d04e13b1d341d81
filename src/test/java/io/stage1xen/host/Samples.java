package io.stage1xen.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the captured and hand-written host samples in src/test/resources/host. */
final class Samples {
  private Samples() {}

  static String read(String name) {
    try (InputStream in = Samples.class.getResourceAsStream("/host/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HostInfo host(String xlInfo, String cpuinfo) throws HostException {
    CpuFlags cpu = cpuinfo.equals("-") ? CpuFlags.UNKNOWN : CpuFlags.parse(read(cpuinfo));
    return XlInfoParser.parse(read(xlInfo), cpu);
  }
}
