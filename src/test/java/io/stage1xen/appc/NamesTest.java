package io.stage1xen.appc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "hello", "hello2", "my-app", "a-b-c", "0", "9lives", "x-1"})
  void acNameAccepts(String name) {
    assertEquals(name, AcName.of(name).value());
    assertTrue(AcName.isValid(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Hello", "-a", "a-", "a--b", "a_b", "a.b", "a/b", "../etc", "a b", "é", "a\nb",
      "a\u0000", "app\u202e", "hello;rm -rf /", "$(id)"})
  void acNameRejects(String name) {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> AcName.of(name));
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertFalse(AcName.isValid(name));
  }

  @ParameterizedTest
  @ValueSource(ints = {255, 256})
  void acNameLengthLimit(int length) {
    String name = "a".repeat(length);
    if (length <= AcName.MAX_LENGTH) {
      assertEquals(name, AcName.of(name).value());
    } else {
      InvalidValueException e = assertThrows(InvalidValueException.class, () -> AcName.of(name));
      assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
      assertTrue(e.getMessage().length() < 400, "the value is truncated in the message");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com/hello", "coreos.com/rkt/stage1/run", "os", "resource/memory",
      "os/linux/capabilities-retain-set", "a~b", "a_b", "a.b-c/d"})
  void acIdentifierAccepts(String id) {
    assertEquals(id, AcIdentifier.of(id).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Example.com", "a//b", "/a", "a/", "a..b", "a b", "a:b", "a\tb", "ä"})
  void acIdentifierRejects(String id) {
    assertThrows(InvalidValueException.class, () -> AcIdentifier.of(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.30.0", "0.8.11", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0+build.5", "1.2.3-rc.1+sha"})
  void acVersionAccepts(String v) {
    assertEquals(v, AcVersion.of(v).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3 ", "1.2.3\n"})
  void acVersionRejects(String v) {
    assertThrows(InvalidValueException.class, () -> AcVersion.of(v));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha512-a", "sha512-36dc1531c150db562d74d7d8392ea946e56ec0e81bba35d0334c28489bd9f804"})
  void imageIdAccepts(String id) {
    assertEquals(id, ImageId.of(id).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha512-", "sha256-aa", "sha512-AA", "sha512-xyz", "36dc", "sha512-aa-bb",
      "sha512-aa\n"})
  void imageIdRejects(String id) {
    assertThrows(InvalidValueException.class, () -> ImageId.of(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2", "00000000-0000-0000-0000-000000000000"})
  void podUuidAccepts(String uuid) {
    assertEquals(uuid, PodUuid.of(uuid).value());
    assertTrue(PodUuid.isValid(uuid));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "F31AC7C7-0F1B-4B6C-A0AB-3B9C1BB0D4A2", "f31ac7c70f1b4b6ca0ab3b9c1bb0d4a2",
      "f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a", "f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2x", "../../../../etc/passwd",
      "f31ac7c7", "--force", "f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4g2"})
  void podUuidRejects(String uuid) {
    assertThrows(InvalidValueException.class, () -> PodUuid.of(uuid));
    assertFalse(PodUuid.isValid(uuid));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PATH", "_x", "a.b", "a-b", "HOME", "x1"})
  void environmentNameAccepts(String name) {
    assertEquals(name, new EnvironmentVariable(name, "v").name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1A", "A B", "A=B", "-x", ".x", "A\nB", "Ä"})
  void environmentNameRejects(String name) {
    assertThrows(InvalidValueException.class, () -> new EnvironmentVariable(name, "v"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "with spaces", "multi\nline", "=", "$(id)", "é"})
  void environmentValueIsFree(String value) {
    assertEquals("K=" + value, new EnvironmentVariable("K", value).assignment());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b"})
  void environmentValueRejectsNul(String value) {
    assertThrows(InvalidValueException.class, () -> new EnvironmentVariable("K", value));
  }
}
