package io.stage1xen.network;

import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A test double of dom0's iptables that keeps state: the nat and filter tables with their built-in chains, user
 * chains and rules, changed by {@code -N -A -I -D -F -X} with the refusals and messages of iptables 1.8.9 (a
 * missing chain or rule, a chain that already exists, is not empty or is still jumped to). Whatever it cannot
 * model is an error, so a test notices a command it did not expect. Other programs get no answer.
 */
final class FakeNetfilter {
  private static final String NO_CHAIN = "iptables: No chain/target/match by that name.\n";
  private static final Set<String> BUILTINS = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
  private final Map<String, Map<String, List<String>>> tables = new TreeMap<>();

  FakeNetfilter() {
    tables.put("filter", builtins("INPUT", "FORWARD", "OUTPUT"));
    tables.put("nat", builtins("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"));
  }

  /** The answer to an iptables command; null for any other program. */
  synchronized ExecResult apply(Command c) {
    if (!c.program().equals("iptables")) {
      return null;
    }
    List<String> a = c.argv();
    if (a.size() < 6 || !a.get(1).equals("-w") || !a.get(2).equals("-t") || !tables.containsKey(a.get(3))) {
      return fail(c, "fake iptables: unexpected command\n");
    }
    Map<String, List<String>> table = tables.get(a.get(3));
    String op = a.get(4);
    String chain = a.get(5);
    List<String> rule = new ArrayList<>(a.subList(6, a.size()));
    if (op.equals("-N")) {
      if (table.containsKey(chain)) {
        return fail(c, "iptables: Chain already exists.\n");
      }
      table.put(chain, new ArrayList<>());
      return ok(c);
    }
    List<String> rules = table.get(chain);
    if (rules == null) {
      return fail(c, NO_CHAIN);
    }
    switch (op) {
      case "-A", "-I" -> {
        int at = rules.size();
        if (op.equals("-I")) {
          at = 0;
          if (!rule.isEmpty() && rule.get(0).matches("[0-9]+")) {
            at = Integer.parseInt(rule.remove(0)) - 1;
          }
        }
        int j = rule.indexOf("-j");
        String target = j >= 0 && j + 1 < rule.size() ? rule.get(j + 1) : "";
        if (target.startsWith("S1X-") && !table.containsKey(target)) {
          return fail(c, NO_CHAIN);
        }
        rules.add(at, String.join(" ", rule));
        return ok(c);
      }
      case "-D" -> {
        if (!rules.remove(String.join(" ", rule))) {
          return fail(c, "iptables: Bad rule (does a matching rule exist in that chain?).\n");
        }
        return ok(c);
      }
      case "-F" -> {
        rules.clear();
        return ok(c);
      }
      case "-X" -> {
        boolean referenced = table.values().stream().flatMap(List::stream).anyMatch(r -> r.endsWith("-j " + chain));
        if (!rules.isEmpty() || referenced || BUILTINS.contains(chain)) {
          return fail(c, "iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain " + chain
              + "\n");
        }
        table.remove(chain);
        return ok(c);
      }
      default -> {
        return fail(c, "fake iptables: unexpected command\n");
      }
    }
  }

  /** Every table, chain and rule, as {@code iptables-save} would list them (one line each). */
  synchronized List<String> save() {
    List<String> out = new ArrayList<>();
    tables.forEach((t, chains) -> chains.forEach((chain, rules) -> {
      out.add("*" + t + " :" + chain);
      rules.forEach(r -> out.add("*" + t + " -A " + chain + " " + r));
    }));
    return out;
  }

  private static Map<String, List<String>> builtins(String... names) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, new ArrayList<>());
    }
    return m;
  }

  private static ExecResult ok(Command c) {
    return new ExecResult(c, 0, "", "");
  }

  private static ExecResult fail(Command c, String stderr) {
    return new ExecResult(c, 1, "", stderr);
  }
}
