package io.stage1xen.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the entrypoint asks the JDK for vfork, and that on the JVM it leaves the JDK's choice alone. */
class ChildLaunchTest {
  @ParameterizedTest(name = "[{index}] image code {0}, mechanism {1}, JDK {2}: {3}")
  @CsvSource(nullValues = "null", textBlock = """
      runtime,   FORK,        25,  true
      runtime,   FORK,        17,  true
      runtime,   FORK,        26,  false
      runtime,   POSIX_SPAWN, 25,  false
      runtime,   VFORK,       25,  false
      runtime,   null,        25,  false
      buildtime, FORK,        25,  false
      null,      FORK,        25,  false
      null,      null,        17,  false
      """)
  void vforkOnlyReplacesGraalVmsForkInANativeImageOnAKnownJdk(String imageCode, String current, int jdk,
      boolean expected) {
    assertEquals(expected, ChildLaunch.useVfork(imageCode, current, jdk));
  }

  @Test
  void onTheJvmTheJdksOwnMechanismStays() {
    String before = System.getProperty(ChildLaunch.PROPERTY);
    ChildLaunch.configure();
    assertEquals(before, System.getProperty(ChildLaunch.PROPERTY));
    if (before == null) {
      assertNull(System.getProperty(ChildLaunch.PROPERTY));
      assertEquals("the runtime's default", ChildLaunch.chosen());
    }
  }
}
