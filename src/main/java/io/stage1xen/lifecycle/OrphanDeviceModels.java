package io.stage1xen.lifecycle;

import io.stage1xen.xen.DomainSummary;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlException;
import io.stage1xen.xen.XlMonitorLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device models (QEMU for Xen) that outlived their pod's domain. libxl ends a domain's QEMU when the domain is
 * destroyed, except when the destroy races xl create while it spawns that QEMU: on Xen 4.17 an {@code xl destroy} as
 * soon as the domain appeared left {@code qemu-system-i386 -xen-domid N} running. Such a QEMU serves no guest but
 * keeps the pod's control channel open (a run would wait for a hello that never comes), its 9p exports busy and the
 * dead domain's memory mapped. Once the domain is gone, the run that failed and {@code gc} end it.
 *
 * <p>A process counts as the pod's device model only when its command line has {@code -xen-domid N} for an id the
 * pod's own logs gave (xl's monitor log, xl create's output) and its stdout or stderr is the pod's QEMU log
 * ({@code <xen logs>/qemu-dm-<name>.log}, where libxl sends them); it is ended only when the pod's domain no longer
 * exists and no live domain has that id. A QEMU of any other domain is never touched.
 */
final class OrphanDeviceModels {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanDeviceModels.class);
  /** libxl names the domain in its errors: "libxl: error: …: Domain 13:device model did not start". */
  private static final Pattern LIBXL_DOMAIN = Pattern.compile("\\bDomain (\\d{1,9}):");
  private static final Pattern PID = Pattern.compile("\\d{1,10}");
  /** QEMU ends on SIGTERM at once; one that does not within this time gets SIGKILL. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private final Stage1Environment env;
  private final Xl xl;
  private final String name;

  OrphanDeviceModels(Stage1Environment env, Xl xl, String name) {
    this.env = env;
    this.xl = xl;
    this.name = name;
  }

  /** As {@link #reap(Path...)} over the logs that name the pod's domain: xl's monitor log and xl create's output. */
  List<Long> reap(Path xlCreateLog) throws InterruptedException {
    return reap(new DomainInquest(env, xl, name).xlLog(), xlCreateLog);
  }

  /**
   * Ends the device models of the pod's domain ids found in these logs, when the domain is gone; returns their pids.
   * Reading /proc costs nothing worth measuring; xl is asked only when a candidate was found.
   */
  List<Long> reap(Path... logs) throws InterruptedException {
    Set<Integer> ids = domainIds(logs);
    List<Long> candidates = new ArrayList<>();
    for (int id : ids) {
      candidates.addAll(deviceModelsOf(env.proc(), id, dmLog()));
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<Integer> live;
    try {
      if (xl.domid(name).isPresent()) {
        LOG.debug("domain {} still exists: its device model {} is not an orphan", name, candidates);
        return List.of();
      }
      live = xl.list().stream().map(DomainSummary::domid).collect(Collectors.toSet());
    } catch (XlException e) {
      LOG.warn("cannot tell whether the device model {} of {} outlived its domain: {}", candidates, name,
          e.getMessage());
      return List.of();
    }
    List<Long> ended = new ArrayList<>();
    for (int id : ids) {
      if (live.contains(id)) {
        continue; // the id is taken again by another domain: its QEMU is that domain's
      }
      for (long pid : deviceModelsOf(env.proc(), id, dmLog())) {
        LOG.warn("ending the device model (QEMU, pid {}) that outlived domain {} ({}) of {}", pid, id, name,
            "destroyed while xl create spawned it");
        if (env.processes().terminate(pid, GRACE)) {
          ended.add(pid);
        } else {
          LOG.warn("the device model (pid {}) of domain {} did not end on SIGKILL", pid, id);
        }
      }
    }
    return ended;
  }

  /** The domain ids the pod's logs name: xl's monitor log ("domid N") and libxl's errors ("Domain N:"). */
  static Set<Integer> domainIds(Path... logs) {
    Set<Integer> ids = new TreeSet<>();
    for (Path log : logs) {
      String text;
      try {
        text = Files.readString(log, StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        continue; // no such log: it names no domain
      }
      XlMonitorLog.parse(text).domid().ifPresent(ids::add);
      Matcher m = LIBXL_DOMAIN.matcher(text);
      while (m.find()) {
        ids.add(Integer.parseInt(m.group(1)));
      }
    }
    return ids;
  }

  /** Where libxl sends the stdout and stderr of the pod's QEMU. */
  Path dmLog() {
    return env.xenLogs().resolve("qemu-dm-" + name + ".log");
  }

  /**
   * Processes whose argv holds "-xen-domid" followed by the id, as libxl starts QEMU for a domain, and whose fd 1 or
   * 2 is the log (or that log renamed or deleted since: the link then reads "… (deleted)" or a rotated name).
   */
  static List<Long> deviceModelsOf(Path proc, int domid, Path log) {
    List<Long> out = new ArrayList<>();
    String id = Integer.toString(domid);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, p -> PID.matcher(p.getFileName().toString())
        .matches())) {
      for (Path entry : entries) {
        List<String> argv = argv(entry.resolve("cmdline"));
        for (int i = 0; i + 1 < argv.size(); i++) {
          if (argv.get(i).equals("-xen-domid") && argv.get(i + 1).equals(id) && writesTo(entry, log)) {
            out.add(Long.parseLong(entry.getFileName().toString()));
            break;
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", proc, e.getMessage());
    }
    return out;
  }

  private static boolean writesTo(Path process, Path log) {
    for (String fd : List.of("1", "2")) {
      try {
        if (Files.readSymbolicLink(process.resolve("fd").resolve(fd)).toString().startsWith(log.toString())) {
          return true;
        }
      } catch (IOException e) {
        // closed, or the process ended while /proc was read
      }
    }
    return false;
  }

  private static List<String> argv(Path cmdline) {
    try {
      String raw = Files.readString(cmdline, StandardCharsets.ISO_8859_1);
      return List.of(raw.split("\0"));
    } catch (IOException e) {
      return List.of(); // the process ended while /proc was read
    }
  }
}
