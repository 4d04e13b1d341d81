package io.stage1xen.testing;

import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.DomainSummary;
import io.stage1xen.xen.Xl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * An {@link Xl} for tests of code that only looks at domains: {@code xl domid} answers from a script of the call
 * number (0, 1, …), {@code xl list} from a fixed list, {@code xl dmesg} is empty; anything else is a test error.
 */
public final class ScriptedXl implements Xl {
  private final IntFunction<OptionalInt> domid;
  private final List<DomainSummary> domains;
  private int domidCalls;

  public ScriptedXl(IntFunction<OptionalInt> domid, List<DomainSummary> domains) {
    this.domid = domid;
    this.domains = List.copyOf(domains);
  }

  /** How often {@code xl domid} was asked. */
  public synchronized int domidCalls() {
    return domidCalls;
  }

  @Override
  public synchronized OptionalInt domid(String name) {
    return domid.apply(domidCalls++);
  }

  @Override
  public List<DomainSummary> list() {
    return domains;
  }

  @Override
  public String dmesg() {
    return "";
  }

  @Override
  public void create(Path config, String name, Path logFile, boolean paused) {
    throw new UnsupportedOperationException("xl create");
  }

  @Override
  public DomainOutcome unpause(String name) {
    throw new UnsupportedOperationException("xl unpause");
  }

  @Override
  public int createAttached(Path config, Duration timeout) {
    throw new UnsupportedOperationException("xl create -c");
  }

  @Override
  public DomainOutcome shutdown(String name, boolean wait, Duration timeout) {
    throw new UnsupportedOperationException("xl shutdown");
  }

  @Override
  public DomainOutcome destroy(String name) {
    throw new UnsupportedOperationException("xl destroy");
  }

  @Override
  public Map<String, String> info() {
    throw new UnsupportedOperationException("xl info");
  }

  @Override
  public int console(String name, Duration timeout) {
    throw new UnsupportedOperationException("xl console");
  }
}
