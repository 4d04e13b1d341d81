package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.lifecycle.RecordingEntrypoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unknown flags and malformed values: exit 2, one line on stderr naming the flag and the value, nothing called. */
class UsageErrorsTest {
  static final String UUID = RunCommandTest.UUID;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      run --ipc=parent UUID                        | Unknown option: '--ipc=parent'
      run --net=default --bogus UUID               | Unknown option: '--bogus'
      run -debug UUID                              | Unknown option: '-debug'
      run --net=default                            | Missing required parameter: 'UUID'
      run --net=default UUID --debug               | Unknown option: '--debug'
      run UUID UUID                                | Unmatched argument at index 2: 'f31ac7c7-0f1b-4b6c-a0ab-3b9c1bb0d4a2'
      run --net=default F31AC7C7-0F1B-4B6C-A0AB-3B9C1BB0D4A2 | invalid pod UUID (lower-case 8-4-4-4-12 hex): "F31AC7C7-0F1B-4B6C-A0AB-3B9C1BB0D4A2"
      run --net=default ../../../etc              | invalid pod UUID (lower-case 8-4-4-4-12 hex): "../../../etc"
      run --net= UUID                              | Invalid value for option '--net': --net needs a value
      run --net=foo::x UUID                        | network "foo" has more than one ':'
      run --net=a,a UUID                           | network "a" given twice
      run --net=host:IP=1.2.3.4 UUID               | network "host" takes no arguments
      run --net=foo:IP UUID                        | invalid argument "IP" for network "foo"
      run --net=$(reboot) UUID                     | invalid network name "$(reboot)"
      run --interactive=maybe UUID                 | Invalid value for option '--interactive': 'maybe' is not true or false
      run --private-users=1:0 UUID                 | invalid UID range 1:0
      run --private-users=abc UUID                 | "abc" is not <hostUidStart>:<count>
      run --private-users=4294967295:2 UUID        | invalid UID range 4294967295:2
      run --dns-conf-mode=resolv=google UUID       | invalid resolv mode "google" (host, stage0, none or default)
      run --dns-conf-mode=hosts=none UUID          | invalid hosts mode "none" (host, stage0 or default)
      run --dns-conf-mode=resolv=host,resolv=host UUID | 'resolv' given twice
      run --dns-conf-mode=dns=host UUID            | unknown part "dns" (resolv or hosts)
      run --hostname=bad_host UUID                 | --hostname: not a valid hostname (RFC 1123 labels joined by '.'): "bad_host"
      run --hostname=-x UUID                       | --hostname: not a valid hostname
      run --mds-token=a<space>b UUID               | --mds-token: must be 1 to 512 printable characters without spaces, not "a b"
      run --net=default --net=host UUID            | option '--net' (NETS) should be specified only once
      enter --appname=hello -- /bin/sh             | Missing required option: '--pid=<pid>'
      enter --pid=0 -- /bin/sh                     | Invalid value for option '--pid': '0' is not a process id (a positive integer)
      enter --pid=-1 -- /bin/sh                    | '-1' is not a process id
      enter --pid=99999999999 -- /bin/sh           | '99999999999' is not a process id
      enter --pid=12 --appname=Hello -- /bin/sh    | invalid AC Name (lower-case letters and digits, groups joined by '-'): "Hello"
      enter --pid=12 --appname=hello --            | Missing required parameter: 'COMMAND'
      enter --pid=12 --appname=hello               | Missing required parameter: 'COMMAND'
      gc                                           | Missing required parameter: 'UUID'
      gc --local-config UUID                       | Missing required parameter: 'UUID'
      gc --force UUID                              | Unknown option: '--force'
      gc --no-such-option                          | Unknown option: '--no-such-option'
      gc --local-config /etc --bogus               | Unknown option: '--bogus'
      run --net=default --bogus                    | Unknown option: '--bogus'
      stop --force=yes UUID                        | Invalid value for option '--force': 'yes' is not true or false
      stop --debug UUID                            | Unknown option: '--debug'
      app add --debug=false --uuid=UUID            | Missing required option: '--app=NAME'
      app start --debug=false --app=../x           | invalid AC Name
      app stop --debug=maybe --app=hello           | 'maybe' is not true or false
      app rm --debug=false --app=hello --force     | Unknown option: '--force'
      app add --debug=false --uuid=nope --app=x    | invalid pod UUID
      app list --app=x                             | Unmatched arguments from index 1: 'list', '--app=x'
      """)
  void rejected(String argv, String expected) {
    RecordingEntrypoints calls = new RecordingEntrypoints();
    String[] args = argv.replace("UUID", UUID).split(" ");
    for (int i = 0; i < args.length; i++) {
      args[i] = args[i].replace("<space>", " ");
    }
    CliRun run = CliRun.of(calls, "stage1-xen", args);
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains(expected), "stderr: " + run.err());
    assertTrue(run.err().startsWith("stage1-xen "), run.err());
    assertEquals(1, run.err().strip().split("\n").length, "one line: " + run.err());
    assertTrue(calls.calls.isEmpty(), "nothing runs on a usage error");
    assertFalse(run.err().contains("Exception"), run.err());
  }
}
