package io.stage1xen.network;

import io.stage1xen.json.Json;
import io.stage1xen.json.JsonException;
import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.process.Command;
import io.stage1xen.process.ExecResult;
import io.stage1xen.process.ProcessException;
import io.stage1xen.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs the real CNI host-local IPAM plugin (through the process seam): ADD allocates an address for the pod's
 * interface, DEL releases it. host-local keeps its leases in files under its data directory with its own lock, keyed
 * by CNI_CONTAINERID and CNI_IFNAME, so concurrent pods never get the same address.
 */
public final class CniIpam {
  private final ProcessRunner runner;
  private final Duration timeout;

  public CniIpam(ProcessRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  public IpamResult add(CniCall call, String network) throws ProcessException, InterruptedException {
    ExecResult r = run("ADD", call);
    if (!r.succeeded()) {
      throw new Stage1Failure("network " + network + ": host-local could not allocate an address: "
          + errorOf(r));
    }
    return IpamResult.parse(r.stdout(), "host-local's result for network " + network);
  }

  /** Releasing an address that is not leased (any more) succeeds: host-local's DEL is idempotent. */
  public void del(CniCall call, String network) throws ProcessException, InterruptedException {
    ExecResult r = run("DEL", call);
    if (!r.succeeded()) {
      throw new Stage1Failure("network " + network + ": host-local could not release the address of "
          + call.ifName() + ": " + errorOf(r));
    }
  }

  private ExecResult run(String command, CniCall call) throws ProcessException, InterruptedException {
    Command c = new Command(List.of(call.plugin()), call.environment(command), timeout,
        call.input().getBytes(StandardCharsets.UTF_8), null);
    return runner.run(c);
  }

  /** How CNI plugins report errors on stdout ({"code": N, "msg": "…", "details": "…"}; the code is not shown). */
  public record CniError(String msg, String details) {}

  static String errorOf(ExecResult r) {
    try {
      CniError e = Json.read(r.stdout(), "host-local", CniError.class);
      if (e.msg() != null) {
        return e.msg() + (e.details() != null && !e.details().isEmpty() ? " (" + e.details() + ")" : "");
      }
    } catch (JsonException e) {
      // not the error format: show what it printed
    }
    return "exit " + r.exitCode() + (r.outputTail().isEmpty() ? "" : ": " + r.outputTail());
  }
}
