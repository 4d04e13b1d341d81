package io.stage1xen.xen;

import io.stage1xen.outcome.Stage1Failure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code stage1-xen/*} annotations an operator may put on a pod: on the pod manifest or on its runtime apps
 * ({@code rkt run --annotation=stage1-xen/memory-mib=512} attaches to the app). Both are written by whoever runs
 * rkt. Image manifests can never set them: their annotations are the image author's, and the caller passes only
 * pod-level and runtime-app annotations here.
 */
public final class PodAnnotations {
  public static final String PREFIX = "stage1-xen/";
  public static final String GUEST_TYPE = PREFIX + "guest-type";
  public static final String MEMORY_MIB = PREFIX + "memory-mib";
  public static final String VCPUS = PREFIX + "vcpus";
  public static final String KERNEL = PREFIX + "kernel";
  public static final String INITRD = PREFIX + "initrd";
  public static final String XL_CONFIG = PREFIX + "xl-config";
  static final List<String> KNOWN = List.of(GUEST_TYPE, MEMORY_MIB, VCPUS, KERNEL, INITRD, XL_CONFIG);

  private PodAnnotations() {}

  /**
   * The pod's {@code stage1-xen/*} annotations: the pod manifest's, plus those of its runtime apps. One domain serves
   * all apps, so two places giving the same annotation different values is an error; other annotations are dropped.
   *
   * @param apps runtime-app annotations by app name
   */
  public static Map<String, String> merge(Map<String, String> pod, Map<String, Map<String, String>> apps) {
    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    add(merged, origin, pod, "the pod");
    for (Map.Entry<String, Map<String, String>> app : new TreeMap<>(apps).entrySet()) {
      add(merged, origin, app.getValue(), "app " + app.getKey());
    }
    return merged;
  }

  private static void add(Map<String, String> merged, Map<String, String> origin, Map<String, String> from,
      String where) {
    for (Map.Entry<String, String> e : new TreeMap<>(from).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      if (!KNOWN.contains(name)) {
        throw new Stage1Failure("annotation " + XlSyntax.show(name) + " on " + where
            + " is not a stage1-xen setting (known: " + String.join(", ", KNOWN) + ")");
      }
      String before = merged.putIfAbsent(name, e.getValue());
      if (before == null) {
        origin.put(name, where);
      } else if (!before.equals(e.getValue())) {
        throw new Stage1Failure("annotation " + name + " is '" + XlSyntax.show(before) + "' on "
            + origin.get(name) + " but '" + XlSyntax.show(e.getValue()) + "' on " + where
            + "; the pod has one domain, so they must agree");
      }
    }
  }
}
