package io.stage1xen.xen;

import java.util.List;

/** A domain's size, how it was reached (for --debug), and what became of every isolator. */
public record DomainResources(long memoryMib, long maxmemMib, int vcpus, List<String> explanation,
    List<IsolatorReport> isolators) {

  public DomainResources {
    explanation = List.copyOf(explanation);
    isolators = List.copyOf(isolators);
  }
}
