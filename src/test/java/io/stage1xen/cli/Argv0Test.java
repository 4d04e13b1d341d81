package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Argv0Test {
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "/var/lib/rkt/pods/run/u/stage1/rootfs/run | run --net=default u",
      "/var/lib/rkt/cas/tree/deps-sha512-ab/rootfs/enter | enter --net=default u",
      "gc | gc --net=default u",
      "./stop | stop --net=default u",
      "/x/rootfs/app/add | app add --net=default u",
      "/x/rootfs/app/stop | app stop --net=default u",
      "/x/rootfs/stage1-xen/bin/stage1-xen | --net=default u",
      "stage1-xen | --net=default u",
      "/usr/lib/jvm/java-17/bin/java | --net=default u",
      "/x/rootfs/app/run | run --net=default u",
      "/x/other/add | --net=default u",
      "'' | --net=default u",
  })
  void dispatchesOnTheBaseNameOfArgv0(String argv0, String expected) {
    assertArrayEquals(expected.split(" "), Argv0.dispatch(argv0, new String[] {"--net=default", "u"}));
  }
}
