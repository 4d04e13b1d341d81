package io.stage1xen.lifecycle;

import org.junit.jupiter.api.Tag;

/** The enter scenarios against the built image (its native executable), with -Dstage1xen.aci set. */
@Tag("native")
class EnterNativeTest extends EnterTest {}
