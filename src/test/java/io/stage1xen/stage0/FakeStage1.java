package io.stage1xen.stage0;

import io.stage1xen.process.Command;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage1 made of shell scripts that report what they were given (argv, cwd, environment, file descriptors,
 * parent) into {@code $FAKE_LOG/<entrypoint>} and act as told by environment variables: {@code FAKE_MODE} (exit,
 * echo: copy stdin to stdout, stay, leak), {@code FAKE_EXIT}, {@code FAKE_STATUS} ("app=code ..."),
 * {@code FAKE_PPID}, and {@code FAKE_<EP>_EXIT} for enter, stop and gc. With {@code FAKE_DUMP} set they also record
 * everything raw into {@code $FAKE_LOG/<entrypoint>.d/}: the exact environment, every descriptor with its flags,
 * the locks on the pod directory and who holds them, the pod directory with modes and its small files, the mounts
 * under it (see {@link Invocation}).
 */
final class FakeStage1 {
  private FakeStage1() {}

  static final String REPORT = """
      report() { # report <file> <args...>: what rkt gave this entrypoint
        local f=$1 a stdin stdout fd7="" flags="" fds
        shift
        # read before this shell opens anything itself: ls, a child, lists its parent's descriptors ($$),
        # and its output redirection happens in the child
        ls /proc/$$/fd >"$FAKE_LOG/$f.fds"
        fds=$(sort -n "$FAKE_LOG/$f.fds" | tr '\\n' ' ')
        stdin=$(readlink /proc/$$/fd/0)
        stdout=$(readlink /proc/$$/fd/1)
        if [ -e /proc/$$/fd/7 ]; then
          fd7=$(readlink /proc/$$/fd/7)
          flags=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/7)
        fi
        {
          printf 'argv0=%s\n' "$0"
          for a in "$@"; do printf 'arg=%s\n' "$a"; done
          printf 'cwd=%s\n' "$(pwd -P)"
          printf 'PWD=%s\n' "${PWD-unset}"
          printf 'pid=%s\n' "$$"
          printf 'ppid=%s\n' "$PPID"
          printf 'RKT_LOCK_FD=%s\n' "${RKT_LOCK_FD-unset}"
          printf 'RKT_SELINUX_CONTEXT=%s\n' "${RKT_SELINUX_CONTEXT-unset}"
          printf 'RKT_SELINUX_MOUNT_CONTEXT=%s\n' "${RKT_SELINUX_MOUNT_CONTEXT-unset}"
          printf 'CALLER_VAR=%s\n' "${CALLER_VAR-unset}"
          printf 'stdin=%s\n' "$stdin"
          printf 'stdout=%s\n' "$stdout"
          [ -z "$fd7" ] || printf 'fd7=%s\nfd7flags=%s\n' "$fd7" "$flags"
          printf 'fds=%s\n' "${fds% }"
        } >"$FAKE_LOG/$f"
        [ -z "${FAKE_DUMP-}" ] || dump "$f" "$@"
      }
      dump() { # dump <file> <args...>: everything, raw, into $FAKE_LOG/<file>.d/ (read by Invocation)
        local f=$1 d=$FAKE_LOG/$1.d fd ino kind mode access holder
        shift
        rm -rf "$d"
        mkdir -p "$d/files"
        # each descriptor listed on entry, with its target and its open flags (fdinfo, octal); $(...) runs in a
        # child, so it reads this shell's descriptors unchanged
        for fd in $(cat "$FAKE_LOG/$f.fds"); do
          printf '%s\\t%s\\t%s\\n' "$fd" "$(readlink "/proc/$$/fd/$fd")" \\
            "$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$$/fdinfo/$fd")" >>"$d/fds"
        done
        printf '%s\\0' "$0" "$@" >"$d/argv"
        cat "/proc/$$/environ" >"$d/environ"
        printf '%s %s %s\\n' "$$" "$PPID" "$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$PPID/status")" >"$d/pids"
        pwd -P >"$d/cwd"
        # the locks on the pod directory (the cwd): kind, mode, access and the holder /proc/locks names, with
        # whether that process still exists and its name
        ino=$(stat -c %i .)
        grep -E " [0-9a-f]+:[0-9a-f]+:$ino " /proc/locks | while read -r _ kind mode access holder _; do
          if [ -e "/proc/$holder" ]; then
            echo "$kind $mode $access $holder alive $(cat "/proc/$holder/comm")"
          else
            echo "$kind $mode $access $holder gone"
          fi
        done >"$d/locks"
        find . -printf '%y %m %p\\t%l\\n' >"$d/listing"
        find . -type f -size -8k -exec cp --parents -t "$d/files" {} +
        # mount points under the pod directory and their file system types
        awk -v pod="$(pwd -P)" '{ for (i = 7; $i != "-"; i++) {} if (index($5, pod) == 1) print $5, $(i + 1) }' \\
          /proc/self/mountinfo >"$d/mounts"
      }
      write_status() {
        local entry
        for entry in ${FAKE_STATUS-}; do printf '%s' "${entry#*=}" >"stage1/rootfs/rkt/status/${entry%%=*}"; done
      }
      """;

  static final String RUN = """
      #!/bin/bash
      %s
      report run "$@"
      if [ -n "${FAKE_PPID-}" ]; then
        sleep 30 >/dev/null 2>&1 7<&- &
        echo $$ >ppid
        echo $! >"$FAKE_LOG/ppid-child"
      else
        echo $$ >pid
      fi
      ln -sfn ready stage1/rootfs/rkt/supervisor-status
      case ${FAKE_MODE:-exit} in
        exit) write_status; exit "${FAKE_EXIT:-0}" ;;
        echo) cat; exit "${FAKE_EXIT:-0}" ;;
        stay)
          # waits with a builtin (read on a silent fifo), so that this process has no other children
          trap 'write_status; exit 143' TERM
          mkfifo "$FAKE_LOG/silence"
          exec 8<>"$FAKE_LOG/silence"
          touch "$FAKE_LOG/ready"
          until [ -e "$FAKE_LOG/release" ]; do read -r -t 0.05 -u 8 _ || true; done
          write_status; exit "${FAKE_EXIT:-0}" ;;
        leak)
          # a child keeps the lock fd (and nothing else) after this process is gone
          sleep 30 </dev/null >/dev/null 2>&1 &
          echo $! >"$FAKE_LOG/leak-child"
          touch "$FAKE_LOG/ready"
          exit 0 ;;
      esac
      """.formatted(REPORT);

  static final String ENTER = """
      #!/bin/bash
      %s
      report enter "$@"
      echo "entered $*"
      exit "${FAKE_ENTER_EXIT:-0}"
      """.formatted(REPORT);

  static final String STOP = """
      #!/bin/bash
      %s
      report stop "$@"
      target=$(cat pid 2>/dev/null || cat ppid)
      if [ "$1" = --force ]; then kill -KILL "$target"; else kill -TERM "$target"; fi
      exit "${FAKE_STOP_EXIT:-0}"
      """.formatted(REPORT);

  static final String GC = """
      #!/bin/bash
      %s
      report gc "$@"
      echo "GC-STDOUT"
      echo "GC-STDERR" >&2
      exit "${FAKE_GC_EXIT:-0}"
      """.formatted(REPORT);

  /** Writes the stage1 image directory (manifest and rootfs/) and returns it. */
  static Path create(Path dir, int interfaceVersion, boolean mutableEntrypoints) throws IOException {
    Path rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("rkt/status"));
    Files.createDirectories(rootfs.resolve("opt/stage2"));
    Files.createDirectories(rootfs.resolve("bin"));
    script(rootfs.resolve("bin/run"), RUN);
    script(rootfs.resolve("bin/enter"), ENTER);
    script(rootfs.resolve("bin/stop"), STOP);
    script(rootfs.resolve("bin/gc"), GC);
    List<String> annotations = new ArrayList<>(List.of(
        annotation("coreos.com/rkt/stage1/run", "/bin/run"),
        annotation("coreos.com/rkt/stage1/enter", "/bin/enter"),
        annotation("coreos.com/rkt/stage1/stop", "/bin/stop"),
        annotation("coreos.com/rkt/stage1/gc", "/bin/gc")));
    if (mutableEntrypoints) {
      for (String app : List.of("add", "rm", "start", "stop")) {
        annotations.add(annotation("coreos.com/rkt/stage1/app/" + app, "/bin/app-" + app));
      }
    }
    if (interfaceVersion > 1) {
      annotations.add(annotation("coreos.com/rkt/stage1/interface-version", String.valueOf(interfaceVersion)));
    }
    // with a trailing newline, as a manifest written by hand has one: rkt rewrites the pod's copy without it
    Files.writeString(dir.resolve("manifest"), "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
        + "\"name\":\"example.com/fake-stage1\",\"annotations\":[" + String.join(",", annotations) + "]}\n");
    return dir;
  }

  /** An app image directory with a manifest and a tiny rootfs; the app runs {@code echo <name>}. */
  static Path app(Path dir, String name) throws IOException {
    return app(dir, name, "echo " + name);
  }

  /**
   * An app image whose manifest has the shape of the images behind the real pod manifests in
   * {@code rkt-1.30.0/pod-manifests/} (version label, {@code /bin/sh -c <command>}, an environment variable and
   * a mount point), so that rkt writes those pod manifests for it, up to the image IDs.
   */
  static Path app(Path dir, String name, String shellCommand) throws IOException {
    Files.createDirectories(dir.resolve("rootfs/bin"));
    Files.writeString(dir.resolve("rootfs/hello.txt"), "hello from " + name + "\n");
    Files.writeString(dir.resolve("manifest"), "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
        + "\"name\":\"example.com/" + name + "\",\"labels\":[{\"name\":\"version\",\"value\":\"0.0.1\"},"
        + "{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}],"
        + "\"app\":{\"exec\":[\"/bin/sh\",\"-c\",\"" + shellCommand + "\"],\"user\":\"0\",\"group\":\"0\","
        + "\"environment\":[{\"name\":\"FROM_IMAGE\",\"value\":\"yes\"}],"
        + "\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\"}]}}\n");
    return dir;
  }

  /** An image directory packed as an ACI file (gzip'd tar of manifest and rootfs/). */
  static Path aci(Path imageDir, Path aci) throws ProcessException, InterruptedException {
    new SystemProcessRunner(System.getenv()).run(Command.of(Duration.ofSeconds(30), "tar", "-czf", aci.toString(),
        "-C", imageDir.toString(), "manifest", "rootfs")).requireSuccess();
    return aci;
  }

  private static String annotation(String name, String value) {
    return "{\"name\":\"" + name + "\",\"value\":\"" + value + "\"}";
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
