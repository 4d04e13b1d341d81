package io.stage1xen.xen;

import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fake {@code xl} executable in a temporary directory, first on the runner's PATH. It records each call's argv and
 * answers per subcommand (and optionally per occurrence: {@code .1} is the second call) from files: {@code out.*},
 * {@code err.*}, {@code rc.*}, and {@code mode.*} = {@code hang} (sleeps) or {@code crash} (SIGSEGV). With
 * {@link #leaveDaemon()}, {@code create} leaves a child behind that holds xl's output open, as xl's monitor does.
 */
final class FakeXl implements AutoCloseable {
  private static final String SCRIPT = """
      #!/bin/bash
      d="$(cd "$(dirname "$0")/.." && pwd)"
      n=$(ls "$d/calls" | wc -l)
      printf '%s\\0' "$@" > "$d/calls/$(printf %04d "$n")"
      sub="$1"
      if [ "$1" = list ] && [ "$2" = -l ]; then sub=list-l; fi
      k=$(cat "$d/count.$sub" 2>/dev/null || echo 0)
      echo $((k + 1)) > "$d/count.$sub"
      pick() { if [ -f "$d/$1.$sub.$k" ]; then echo "$d/$1.$sub.$k"; elif [ -f "$d/$1.$sub" ]; then echo "$d/$1.$sub"; fi; }
      mode=$(pick mode); rc=$(pick rc); out=$(pick out); err=$(pick err)
      if [ -n "$mode" ]; then
        case "$(cat "$mode")" in
          hang) echo $$ >> "$d/pids"; exec sleep 60 ;;
          crash) kill -SEGV $$ ;;
        esac
      fi
      if [ -n "$out" ]; then cat "$out"; fi
      if [ -n "$err" ]; then cat "$err" >&2; fi
      if [ "$sub" = create ] && [ -f "$d/daemon" ]; then sleep 30 & echo $! >> "$d/pids"; fi
      if [ -n "$rc" ]; then exit "$(cat "$rc")"; fi
      exit 0
      """;

  final Path dir;

  FakeXl(Path tmp) {
    try {
      dir = tmp.resolve("fake-xl");
      Files.createDirectories(dir.resolve("bin"));
      Files.createDirectories(dir.resolve("calls"));
      Path xl = dir.resolve("bin/xl");
      Files.writeString(xl, SCRIPT, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(xl, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SystemProcessRunner runner() {
    return new SystemProcessRunner(java.util.Map.of("PATH", dir.resolve("bin") + ":/usr/bin:/bin"));
  }

  /** Answer the subcommand's {@code occurrence}-th call (0-based), or every call when occurrence is -1. */
  FakeXl answer(String sub, int occurrence, int rc, String stdout, String stderr) {
    String suffix = sub + (occurrence < 0 ? "" : "." + occurrence);
    write("rc." + suffix, Integer.toString(rc));
    write("out." + suffix, stdout);
    write("err." + suffix, stderr);
    return this;
  }

  FakeXl answer(String sub, int rc, String stdout, String stderr) {
    return answer(sub, -1, rc, stdout, stderr);
  }

  FakeXl hang(String sub) {
    write("mode." + sub, "hang");
    return this;
  }

  FakeXl crash(String sub) {
    write("mode." + sub, "crash");
    return this;
  }

  FakeXl leaveDaemon() {
    write("daemon", "");
    return this;
  }

  FakeXl domainMissing() {
    return answer("domid", 1, "", "Can't get domid of domain name 'x', maybe this domain does not exist.\n");
  }

  /** Every call's argv, in order. */
  List<List<String>> calls() {
    try (Stream<Path> files = Files.list(dir.resolve("calls"))) {
      List<List<String>> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        String raw = Files.readString(f, StandardCharsets.UTF_8);
        List<String> argv = new ArrayList<>(List.of("xl"));
        if (!raw.isEmpty()) {
          argv.addAll(Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1)));
        }
        out.add(argv);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String name, String text) {
    try {
      Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the processes this fake left running (hung calls, daemons), by their pids. */
  @Override
  public void close() throws IOException {
    Path pids = dir.resolve("pids");
    if (Files.exists(pids)) {
      for (String pid : Files.readAllLines(pids)) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }
}
