package io.stage1xen.lifecycle;

import org.junit.jupiter.api.Tag;

/**
 * The pod network scenarios against the built image, with -Dstage1xen.aci set: its native executable reads the
 * network configurations, the real host-local's results, the network state file and {@code xl list -l} through
 * the records its JSON reflection metadata must cover.
 */
@Tag("native")
class PodNetworkingNativeTest extends PodNetworkingTest {}
