package io.stage1xen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stage1xen.lifecycle.RecordingEntrypoints;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command of the tree, hidden ones and those added later included, answers --help with its usage and exit 0,
 * and runs nothing. The commands are found by walking the tree that the executable builds, not listed here.
 */
class HelpEverywhereTest {

  /** The words after "stage1-xen" that reach each command, the root (no words) first. */
  static Stream<List<String>> everyCommand() {
    List<List<String>> paths = new ArrayList<>();
    collect(Stage1Cli.commandLine(new RecordingEntrypoints()), new ArrayList<>(), paths);
    return paths.stream();
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    cmd.getSubcommands().forEach((name, sub) -> {
      if (!name.equals(sub.getCommandName())) {
        return; // an alias reaches a command already collected under its own name
      }
      List<String> longer = new ArrayList<>(path);
      longer.add(name);
      collect(sub, longer, out);
    });
  }

  @ParameterizedTest(name = "stage1-xen {0} --help")
  @MethodSource("everyCommand")
  void answersHelpWithItsUsage(List<String> path) {
    RecordingEntrypoints entrypoints = new RecordingEntrypoints();
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    CliRun r = CliRun.of(entrypoints, "stage1-xen", args.toArray(String[]::new));

    assertEquals(ExitCodes.OK, r.exitCode(), r.err());
    String usage = ("Usage: stage1-xen " + String.join(" ", path)).strip();
    assertTrue(r.out().startsWith(usage), "expected '" + usage + "…', got: " + r.out() + r.err());
    assertEquals("", r.err());
    assertEquals(List.of(), entrypoints.calls, "--help ran the command");
  }

  @ParameterizedTest(name = "stage1-xen {0} declares --help")
  @MethodSource("everyCommand")
  void declaresHelpInItsUsage(List<String> path) {
    CommandLine cmd = Stage1Cli.commandLine(new RecordingEntrypoints());
    for (String word : path) {
      cmd = cmd.getSubcommands().get(word);
    }
    assertNotNull(cmd.getCommandSpec().findOption("--help"), "no --help option");
    assertTrue(cmd.getCommandSpec().findOption("--help").usageHelp(), "--help is not the usage help option");
    assertFalse(cmd.getCommandSpec().findOption("-h") == null, "no -h");
  }

  /** The walk itself: a tree that lost its hidden build tools would pass the tests above without them. */
  @ParameterizedTest(name = "the walk reaches stage1-xen {0}")
  @MethodSource("knownCommands")
  void theWalkReachesHiddenAndNestedCommands(String path) {
    assertTrue(everyCommand().anyMatch(p -> String.join(" ", p).equals(path)), path);
  }

  static Stream<String> knownCommands() {
    return Stream.of("run", "enter", "gc", "stop", "app add", "aci", "aci pack", "diag", "diag exec");
  }
}
