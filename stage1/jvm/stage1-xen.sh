#!/bin/sh
# stage1-xen launcher for images built without GraalVM native-image.
#
# rkt executes the stage1 entrypoints directly on the host (no chroot), through relative symlinks to this file.
# So: find our real location through those links, run only the Java runtime shipped beside us (never a JDK of the
# host, and none of the host's JVM option variables), and hand over the name we were started under, on which the
# program dispatches (run, enter, gc, stop, app/...). exec keeps the PID and every inherited descriptor, as rkt
# expects of the run entrypoint (its lock fd stays open in the JVM).
self=$(readlink -f -- "$0") || { echo "stage1-xen: cannot resolve $0" >&2; exit 254; }
bin=${self%/*}
home=${bin%/*}
unset JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS CLASSPATH
# The class-data archive is the runtime's default one (runtime/lib/server/classes.jsa, holding our classes too),
# found relative to the runtime, so it works wherever rkt unpacked the image.
# JVM messages go to stderr: stdout belongs to the pod's apps.
exec "$home/jvm/runtime/bin/java" \
  -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
  -Xlog:disable -Xlog:all=warning:stderr \
  -Dstage1xen.argv0="$0" \
  -m stage1xen/io.stage1xen.Main "$@"
