package io.stage1xen.lifecycle;

import io.stage1xen.lifecycle.InProcessHost.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one fuzz case must satisfy, whatever its input: run ends in a correct pod (0) or one line of error (254) —
 * stop and gc in 0 — never with a stack trace; xl only ever gets our own words (a subcommand, the domain name made
 * from the uuid, the config in the pod directory); the domain config is our grammar with nothing injected; nothing
 * changed outside the pod directory; no domain and no mount is left once gc ran.
 */
record FuzzVerdict(boolean podRan, List<String> problems) {
  private static final List<String> TRACE_MARKERS = List.of("Exception", "\tat ", "Caused by:",
      "internal error");
  private static final Pattern QUOTED = Pattern.compile(
      "(name|type|kernel|ramdisk|cmdline|on_poweroff|on_reboot|on_crash|builder) = \"[^\"\\\\]*\"");
  /** slf4j-simple's lines: as the executable prints them, or with thread and logger once another test set it up. */
  private static final Pattern LOG_LINE = Pattern.compile("(\\[[^]]*] )?(INFO|WARNING|WARN) ");
  private static final Pattern NUMBER = Pattern.compile("(memory|maxmem|vcpus) = [0-9]+");
  private static final Pattern LIST_START = Pattern.compile("(p9|channel|vif) = \\[");
  private static final Pattern LIST_ITEM = Pattern.compile(" {4}\"[^\"\\\\]*\",?");

  FuzzVerdict {
    problems = List.copyOf(problems);
  }

  boolean passed() {
    return problems.isEmpty();
  }

  /** The facts of one case after run, stop and gc. */
  record Facts(Path pod, String uuid, Outcome run, Outcome stop, Outcome gc, List<String> xlCalls,
      String domainConfig, List<String> changedOutside, List<Path> mountsLeft, List<String> domainsLeft) {
    Facts {
      Objects.requireNonNull(pod, "pod");
      xlCalls = List.copyOf(xlCalls);
      changedOutside = List.copyOf(changedOutside);
      mountsLeft = List.copyOf(mountsLeft);
      domainsLeft = List.copyOf(domainsLeft);
    }
  }

  static FuzzVerdict judge(Facts f) {
    List<String> p = new ArrayList<>();
    entrypoint("run", f.run(), f.run().exitCode() == 0 || f.run().exitCode() == 254, p);
    entrypoint("stop", f.stop(), f.stop().exitCode() == 0, p);
    entrypoint("gc", f.gc(), f.gc().exitCode() == 0, p);
    String domain = "rkt-" + f.uuid();
    for (String call : f.xlCalls()) {
      if (!(call.equals("info") || call.equals("create -p " + f.pod().resolve("xen/domain.cfg"))
          || call.equals("create " + f.pod().resolve("xen/domain.cfg"))
          || call.equals("unpause " + domain) || call.equals("domid " + domain) || call.equals("destroy " + domain) || call.equals("shutdown " + domain))) {
        p.add("xl called with words that are not ours: '" + ManifestFuzzer.show(call) + "'");
      }
    }
    if (f.domainConfig() != null) {
      domainConfig(f.domainConfig(), f.pod(), domain, p);
    }
    if (f.run().exitCode() == 0 && f.domainConfig() == null) {
      p.add("run succeeded without a domain config");
    }
    f.changedOutside().forEach(c -> p.add("changed outside the pod directory: " + c));
    f.mountsLeft().forEach(m -> p.add("still mounted after gc: " + m));
    f.domainsLeft().forEach(d -> p.add("domain left after gc: " + d));
    return new FuzzVerdict(f.run().exitCode() == 0, p);
  }

  private static void entrypoint(String name, Outcome o, boolean expectedCode, List<String> p) {
    if (!expectedCode) {
      p.add(name + " exited " + o.exitCode() + ": " + ManifestFuzzer.show(o.stderr()));
    }
    for (String marker : TRACE_MARKERS) {
      if (o.stderr().contains(marker)) {
        p.add(name + " printed '" + marker.strip() + "': " + clip(o.stderr()));
      }
    }
    if (o.exitCode() != 0) {
      // log lines (INFO, WARNING) may precede it; the error itself is one line
      List<String> errors = o.stderrLines().stream().filter(l -> !LOG_LINE.matcher(l).lookingAt()).toList();
      if (errors.size() != 1) {
        p.add(name + " failed with " + errors.size() + " error lines: " + clip(o.stderr()));
      }
    }
  }

  private static void domainConfig(String cfg, Path pod, String domain, List<String> p) {
    for (char c : cfg.toCharArray()) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        p.add("domain.cfg holds the control character " + (int) c);
        return;
      }
    }
    boolean inList = false;
    for (String line : cfg.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("# ")) {
        continue;
      }
      boolean ok;
      if (inList) {
        ok = LIST_ITEM.matcher(line).matches() || line.equals("    ]");
        inList = !line.equals("    ]");
        if (ok && line.contains("path=") && !line.contains("path=" + pod + "/")) {
          p.add("domain.cfg exports a path outside the pod directory: " + ManifestFuzzer.show(line));
        }
      } else if (LIST_START.matcher(line).matches()) {
        ok = true;
        inList = true;
      } else {
        ok = QUOTED.matcher(line).matches() || NUMBER.matcher(line).matches();
      }
      if (!ok) {
        p.add("domain.cfg line outside the renderer's grammar: '" + ManifestFuzzer.show(line) + "'");
      }
    }
    expect(cfg, "name = \"" + domain + "\"", p);
    expect(cfg, "cmdline = \"" + PodVm.CMDLINE + "\"", p);
    expect(cfg, "kernel = \"" + pod.resolve("stage1/rootfs/stage1-xen/guest/kernel") + "\"", p);
  }

  private static void expect(String cfg, String line, List<String> p) {
    if (!cfg.lines().anyMatch(line::equals)) {
      p.add("domain.cfg lacks the line " + line);
    }
  }

  private static String clip(String s) {
    String shown = ManifestFuzzer.show(s);
    return shown.length() > 400 ? shown.substring(0, 400) + "..." : shown;
  }
}
