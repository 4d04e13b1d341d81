package io.stage1xen.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.outcome.Stage1Failure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlanEncoderTest {
  static final List<String> HOSTILE = List.of(
      "plain", "", " leading and trailing ", "two  spaces", "'single'", "\"double\"", "$HOME", "${PATH}", "$(id)",
      "`id`", "a;b", "a|b", "a&&b", "*", "?", "[a-z]", "~", "line1\nline2", "\r\n", "tab\there", "back\\slash",
      "\\\"", "ünïcödé €", "😀 emoji", "-e", "--", "%s%n", "\u0001\u001f\u007f", "=", "a=b=c");

  static PodPlan plan(AppPlan... apps) {
    return new PodPlan("rkt-0a1b", "127.0.0.1 localhost\n", "nameserver 10.0.0.1\n", false, Duration.ofSeconds(5),
        false, List.of(new SharePlan("app0", "/s1x/app0", false)), List.of(apps));
  }

  static AppPlan app(List<String> args) {
    return AppPlan.builder("web", "/s1x/app0/rootfs", args).build();
  }

  @Test
  void hostileArgumentsArriveByteForByte() {
    AppPlan a = AppPlan.builder("web", "/s1x/app0/rootfs", HOSTILE.subList(0, 1))
        .environment(List.of("X=" + String.join("", HOSTILE))).build();
    List<String> args = new java.util.ArrayList<>(List.of("/bin/prog"));
    args.addAll(HOSTILE);
    a = AppPlan.builder("web", "/s1x/app0/rootfs", args).environment(a.environment()).build();
    TlvDecoder.Field app = TlvDecoder.decode(PlanEncoder.encode(plan(a))).one(PlanEncoder.T_APP);
    List<TlvDecoder.Field> argFields = app.all(PlanEncoder.T_ARG);
    assertEquals(args.size(), argFields.size());
    for (int i = 0; i < args.size(); i++) {
      assertArrayEquals(args.get(i).getBytes(StandardCharsets.UTF_8), argFields.get(i).value(), "argument " + i);
    }
    assertEquals(List.of("X=" + String.join("", HOSTILE)), app.texts(PlanEncoder.T_ENV));
  }

  @Test
  void everyFieldOfThePlanIsEncoded() {
    AppPlan a = AppPlan.builder("web", "/s1x/app0/rootfs", List.of("/bin/sh", "-c", "echo \"$X\""))
        .environment(List.of("PATH=/bin", "X=1", "X=2")).user("alice").group("staff")
        .supplementaryGids(List.of(10L, 0xFFFF_FFFEL)).workingDirectory("/srv/work").readOnlyRootFs(true)
        .preStart(List.of("/bin/true")).preStart(List.of("/bin/echo", "pre 2")).postStop(List.of("/bin/false"))
        .stdin(true).mount(new MountPlan("/s1x/vol0", "/data", true)).oomScoreAdj(-500).build();
    PodPlan p = new PodPlan("host-1", null, "nameserver 1.1.1.1\n", true, Duration.ofMillis(1234), false,
        List.of(new SharePlan("app0", "/s1x/app0", true)), List.of(a));
    TlvDecoder.Field root = TlvDecoder.decode(PlanEncoder.encode(p));
    assertEquals(PlanEncoder.T_VERSION, root.children().get(0).tag(), "VERSION comes first");
    assertEquals(1, root.one(PlanEncoder.T_VERSION).u32());
    assertEquals("host-1", root.one(PlanEncoder.T_HOSTNAME).text());
    assertTrue(root.all(PlanEncoder.T_HOSTS).isEmpty(), "absent hosts means: leave the app's own");
    assertEquals("nameserver 1.1.1.1\n", root.one(PlanEncoder.T_RESOLV).text());
    assertTrue(root.one(PlanEncoder.T_DEBUG).bool());
    assertEquals(1234, root.one(PlanEncoder.T_GRACE_MS).u32());
    assertFalse(root.one(PlanEncoder.T_MUTABLE).bool());
    TlvDecoder.Field share = root.one(PlanEncoder.T_SHARE);
    assertEquals("app0", share.one(PlanEncoder.T_SHARE_TAG).text());
    assertEquals("/s1x/app0", share.one(PlanEncoder.T_SHARE_PATH).text());
    assertTrue(share.one(PlanEncoder.T_SHARE_RO).bool());
    TlvDecoder.Field app = root.one(PlanEncoder.T_APP);
    assertEquals("web", app.one(PlanEncoder.T_NAME).text());
    assertEquals("/s1x/app0/rootfs", app.one(PlanEncoder.T_ROOT).text());
    assertEquals(List.of("/bin/sh", "-c", "echo \"$X\""), app.texts(PlanEncoder.T_ARG));
    assertEquals(List.of("PATH=/bin", "X=1", "X=2"), app.texts(PlanEncoder.T_ENV), "order is kept");
    assertEquals("alice", app.one(PlanEncoder.T_USER).text());
    assertEquals("staff", app.one(PlanEncoder.T_GROUP).text());
    assertEquals(List.of(10L, 0xFFFF_FFFEL), app.all(PlanEncoder.T_SUPP_GID).stream().map(TlvDecoder.Field::u32).toList());
    assertEquals("/srv/work", app.one(PlanEncoder.T_WORKDIR).text());
    assertTrue(app.one(PlanEncoder.T_READONLY_ROOTFS).bool());
    List<TlvDecoder.Field> pre = app.all(PlanEncoder.T_PRE_START);
    assertEquals(List.of("/bin/true"), pre.get(0).texts(PlanEncoder.T_ARG));
    assertEquals(List.of("/bin/echo", "pre 2"), pre.get(1).texts(PlanEncoder.T_ARG));
    assertEquals(List.of("/bin/false"), app.one(PlanEncoder.T_POST_STOP).texts(PlanEncoder.T_ARG));
    assertTrue(app.one(PlanEncoder.T_STDIN).bool());
    assertFalse(app.one(PlanEncoder.T_TTY).bool());
    TlvDecoder.Field m = app.one(PlanEncoder.T_MOUNT);
    assertEquals("/s1x/vol0", m.one(PlanEncoder.T_MOUNT_SOURCE).text());
    assertEquals("/data", m.one(PlanEncoder.T_MOUNT_TARGET).text());
    assertTrue(m.one(PlanEncoder.T_MOUNT_RO).bool());
    assertEquals(-500, (int) app.one(PlanEncoder.T_OOM_SCORE_ADJ).u32(), "two's complement");
  }

  /** Regression (fuzzing, huge strings): the refusal named no app, so the user could not tell what to shrink. */
  @Test
  void aPlanTooBigForAFrameNamesTheAppThatMadeItSo() {
    AppPlan small = AppPlan.builder("small", "/s1x/app0/rootfs", List.of("/bin/true")).build();
    AppPlan big = AppPlan.builder("big", "/s1x/app0/rootfs", List.of("/bin/echo", "x".repeat(Frame.MAX_PAYLOAD)))
        .build();
    PodPlan p = plan(small, big);

    Stage1Failure e = assertThrows(Stage1Failure.class, () -> PlanEncoder.encode(p));

    assertTrue(e.getMessage().matches("the pod plan takes \\d+ bytes, more than the 1048576 a frame can carry; app"
        + " 'big' alone takes \\d+ bytes \\(its exec, environment, event handlers and mounts\\)"), e.getMessage());
  }

  @Test
  void execRequestEncoding() {
    ExecRequest x = new ExecRequest("web", List.of("/bin/sh", "-c", "a 'b' $c\n"), List.of("TERM=xterm"), true, 40,
        132);
    TlvDecoder.Field f = TlvDecoder.decode(PlanEncoder.encode(x));
    assertEquals("web", f.one(PlanEncoder.T_EXEC_APP).text());
    assertEquals(List.of("/bin/sh", "-c", "a 'b' $c\n"), f.texts(PlanEncoder.T_ARG));
    assertEquals(List.of("TERM=xterm"), f.texts(PlanEncoder.T_ENV));
    assertTrue(f.one(PlanEncoder.T_TTY).bool());
    assertEquals(40, f.one(PlanEncoder.T_EXEC_ROWS).u32());
    assertEquals(132, f.one(PlanEncoder.T_EXEC_COLS).u32());
  }

  @Test
  void mutablePodWithoutAppsEncodes() {
    PodPlan p = new PodPlan("m", null, null, false, Duration.ZERO, true, List.of(), List.of());
    TlvDecoder.Field root = TlvDecoder.decode(PlanEncoder.encode(p));
    assertTrue(root.one(PlanEncoder.T_MUTABLE).bool());
    assertTrue(root.all(PlanEncoder.T_APP).isEmpty());
  }

  static Stream<Arguments> invalidApps() {
    return Stream.of(
        Arguments.of("NUL in an argument", (Runnable) () -> app(List.of("/bin/echo", "a\0b")), "NUL"),
        Arguments.of("no arguments", (Runnable) () -> app(List.of()), "at least one argument"),
        Arguments.of("empty program", (Runnable) () -> app(List.of("")), "empty"),
        Arguments.of("unpaired surrogate", (Runnable) () -> app(List.of("/bin/echo", "\ud800")), "Unicode"),
        Arguments.of("relative root",
            (Runnable) () -> AppPlan.builder("web", "s1x/app0", List.of("/x")).build(), "absolute"),
        Arguments.of("relative workdir",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).workingDirectory("tmp").build(), "absolute"),
        Arguments.of("env without =",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).environment(List.of("FOO")).build(), "NAME=value"),
        Arguments.of("env with empty name",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).environment(List.of("=v")).build(), "NAME=value"),
        Arguments.of("env name with a space",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).environment(List.of("A B=v")).build(), "NAME=value"),
        Arguments.of("env name starting with a digit",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).environment(List.of("1A=v")).build(), "NAME=value"),
        Arguments.of("NUL in env value",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).environment(List.of("A=\0")).build(), "NUL"),
        Arguments.of("bad app name", (Runnable) () -> AppPlan.builder("Web", "/r", List.of("/x")).build(), "app name"),
        Arguments.of("empty user", (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).user("").build(), "user"),
        Arguments.of("negative gid",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).supplementaryGids(List.of(-1L)).build(), "GID"),
        Arguments.of("oom out of range",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).oomScoreAdj(1001).build(), "oom"),
        Arguments.of("empty pre-start",
            (Runnable) () -> AppPlan.builder("web", "/r", List.of("/x")).preStart(List.of()).build(), "pre-start"),
        Arguments.of("relative mount target", (Runnable) () -> new MountPlan("/a", "b", false), "absolute"),
        Arguments.of("bad share tag", (Runnable) () -> new SharePlan("a,b", "/x", false), "share tag"),
        Arguments.of("relative share path", (Runnable) () -> new SharePlan("app0", "x", false), "absolute"),
        Arguments.of("exec without args", (Runnable) () -> ExecRequest.pipes("web", List.of()), "at least one"),
        Arguments.of("exec bad env",
            (Runnable) () -> new ExecRequest("web", List.of("/x"), List.of("no-equals"), false, 0, 0), "NAME=value"),
        Arguments.of("exec huge rows", (Runnable) () -> ExecRequest.terminal("web", List.of("/x"), 70000, 80), "size"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidApps")
  void invalidInputIsRefusedWithAOneLineMessage(String name, Runnable build, String mention) {
    Stage1Failure e = assertThrows(Stage1Failure.class, build::run);
    assertTrue(e.getMessage().contains(mention), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "a-", "has space", "a/b", "x\ny"})
  void invalidHostnamesAreRefused(String hostname) {
    assertThrows(Stage1Failure.class,
        () -> new PodPlan(hostname, null, null, false, Duration.ZERO, false, List.of(), List.of()));
  }

  @Test
  void podLevelChecks() {
    AppPlan a = app(List.of("/x"));
    assertThrows(Stage1Failure.class, () -> plan(a, a), "duplicate app names");
    assertThrows(Stage1Failure.class,
        () -> new PodPlan("h", null, null, false, Duration.ZERO, true, List.of(), List.of(a)), "mutable with apps");
    assertThrows(Stage1Failure.class,
        () -> new PodPlan("h", "a\0", null, false, Duration.ZERO, false, List.of(), List.of()), "NUL in hosts");
    assertThrows(Stage1Failure.class,
        () -> new PodPlan("h", null, null, false, Duration.ofMillis(-1), false, List.of(), List.of()), "grace");
    assertThrows(Stage1Failure.class, () -> new PodPlan("h", null, null, false, Duration.ZERO, false,
        List.of(new SharePlan("a", "/a", false), new SharePlan("a", "/b", false)), List.of()), "duplicate tags");
  }

  @Test
  void planLargerThanAFrameIsRefused() {
    String big = "x".repeat(600_000);
    AppPlan a = AppPlan.builder("web", "/r", List.of("/x", big, big)).build();
    Stage1Failure e = assertThrows(Stage1Failure.class, () -> PlanEncoder.encode(plan(a)));
    assertTrue(e.getMessage().contains("more than"), e.getMessage());
  }
}
