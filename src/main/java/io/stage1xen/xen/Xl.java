package io.stage1xen.xen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The host's {@code xl}, as stage1-xen uses it. Every call has a timeout; failures are typed. Production code gets
 * {@link CliXl}; tests of the callers may use a fake.
 */
public interface Xl {

  /**
   * {@code xl create [-p] CFG}, detached: returns once the domain and its devices exist. With {@code paused} the
   * domain is left paused, so that dom0 can set up what must be in place before the guest runs a single instruction
   * (the vifs' filters), and {@link #unpause} starts it; without, it runs at once. xl's output goes to
   * {@code logFile}, because the monitor process xl leaves behind holds its output open until the domain dies.
   *
   * @throws DomainExistsException when a domain already has the config's name
   */
  void create(Path config, String name, Path logFile, boolean paused) throws XlException, InterruptedException;

  /** {@code xl unpause NAME}: the paused domain {@link #create} made starts running. */
  DomainOutcome unpause(String name) throws XlException, InterruptedException;

  /** {@code xl create -c CFG}: the terminal is attached to the guest's console; returns xl's exit status. */
  int createAttached(Path config, Duration timeout) throws XlException, InterruptedException;

  /** {@code xl shutdown [-w] NAME}: asks the guest to power off, and with {@code wait} waits until it is gone. */
  DomainOutcome shutdown(String name, boolean wait, Duration timeout) throws XlException, InterruptedException;

  /** {@code xl destroy NAME}: ends the domain at once. */
  DomainOutcome destroy(String name) throws XlException, InterruptedException;

  /** {@code xl domid NAME}, empty when there is no such domain. */
  OptionalInt domid(String name) throws XlException, InterruptedException;

  /** Every domain on the host ({@code xl list -l} when it prints JSON, else {@code xl list}). */
  List<DomainSummary> list() throws XlException, InterruptedException;

  /** {@code xl dmesg}: Xen's console ring, where Xen says why it ended a domain (a triple fault, say). */
  String dmesg() throws XlException, InterruptedException;

  /** {@code xl info} as key/value pairs. */
  Map<String, String> info() throws XlException, InterruptedException;

  /**
   * {@code xl console NAME} on this terminal; returns xl's exit status.
   *
   * @throws DomainNotFoundException when there is no such domain
   */
  int console(String name, Duration timeout) throws XlException, InterruptedException;
}
