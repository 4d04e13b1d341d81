package io.stage1xen.lifecycle;

import io.stage1xen.outcome.Stage1Failure;
import io.stage1xen.pod.PodLayout;
import io.stage1xen.xen.DomainDeath;
import io.stage1xen.xen.DomainExistsException;
import io.stage1xen.xen.DomainOutcome;
import io.stage1xen.xen.Xl;
import io.stage1xen.xen.XlException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod's domain as its run drives it through xl: created from the pod's config (paused when dom0 has work to do
 * before the guest runs), unpaused, watched, and
 * destroyed when the run gives up on it. The start, the stop deadlines and the guest's events all end it through
 * {@link #destroy}, so a destroy always takes the device models that outlived the domain with it.
 */
final class PodDomain {
  private static final Logger LOG = LoggerFactory.getLogger(PodDomain.class);
  /** After the guest hung up: how long the domain may take to disappear before it is destroyed. */
  static final Duration GONE_TIMEOUT = Duration.ofSeconds(30);

  private final Stage1Environment env;
  private final Xl xl;
  private final String name;
  private final PodLayout layout;

  PodDomain(Stage1Environment env, Xl xl, String name, PodLayout layout) {
    this.env = env;
    this.xl = xl;
    this.name = name;
    this.layout = layout;
  }

  String name() {
    return name;
  }

  /** The xl client the domain is driven with, for what else needs the live domain (its vifs). */
  Xl xl() {
    return xl;
  }

  /**
   * {@code xl create} of the pod's config, left paused when asked; a failure leaves no domain of this pod's name
   * behind.
   */
  void create(boolean paused) throws XlException, InterruptedException {
    try {
      xl.create(layout.domainConfig(), name, layout.xlCreateLog(), paused);
    } catch (DomainExistsException e) {
      throw e; // made before this run started: not this run's to destroy
    } catch (XlException e) {
      // xl can fail, time out or be killed after libxl made the domain (a device model that never started, a hung
      // toolstack); a domain of this pod's name must not outlive the run that failed to start it
      List<Long> orphans = destroy("xl create failed");
      if (!orphans.isEmpty()) {
        // its QEMU ran, so QEMU was not what failed: the domain went from under xl create (libxl's lines for that
        // vary with the moment, measured on Xen 4.17, and some look like a device model that could not start)
        throw new Stage1Failure("the pod VM " + name + " was destroyed from outside (xl destroy, or"
            + " another toolstack) while xl create was making it; its QEMU (pid " + orphans.get(0) + ") outlived it"
            + " and was ended; xl's output: " + layout.xlCreateLog(), e);
      }
      throw e;
    }
  }

  void unpause() throws XlException, InterruptedException {
    if (xl.unpause(name) == DomainOutcome.NOT_FOUND) {
      throw new Stage1Failure("the pod VM " + name + " disappeared before it was started");
    }
    LOG.debug("domain {} unpaused", name);
  }

  /** True when xl no longer knows the pod's domain; a failing xl is no proof of that. */
  boolean gone() throws InterruptedException {
    try {
      return xl.domid(name).isEmpty();
    } catch (XlException e) {
      LOG.debug("cannot tell whether domain {} still exists: {}", name, e.getMessage());
      return false;
    }
  }

  /** After the guest hung up: waits for the domain to go, and destroys it when it stays. */
  void awaitGone() throws InterruptedException {
    Instant deadline = env.clock().instant().plus(GONE_TIMEOUT);
    try {
      while (xl.domid(name).isPresent()) {
        if (!env.clock().instant().isBefore(deadline)) {
          LOG.warn("domain {} still exists {} s after its guest hung up; destroying it", name,
              GONE_TIMEOUT.toSeconds());
          xl.destroy(name);
          return;
        }
        Thread.sleep(RunSupervisor.POLL.toMillis());
      }
    } catch (XlException e) {
      LOG.warn("could not check that domain {} is gone: {}", name, e.getMessage());
    }
  }

  /** What Xen and xl say of the domain's end ({@link DomainInquest#inquire}). */
  Optional<DomainDeath> death(boolean vmEnded) throws InterruptedException {
    return new DomainInquest(env, xl, name).inquire(vmEnded);
  }

  /**
   * Destroys the domain and its orphaned device models; a failure is logged for gc to retry, never thrown. Returns
   * the pids of the device models that had outlived the domain.
   */
  List<Long> destroy(String why) {
    try {
      LOG.debug("destroying domain {}: {}", name, why);
      xl.destroy(name);
      return new OrphanDeviceModels(env, xl, name).reap(layout.xlCreateLog());
    } catch (XlException e) {
      LOG.warn("could not destroy domain {}: {} (run 'rkt gc' to retry)", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.of();
  }
}
