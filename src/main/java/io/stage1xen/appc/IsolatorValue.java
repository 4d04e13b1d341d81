package io.stage1xen.appc;

/**
 * The typed value of an isolator. Every isolator appc and rkt define has its own record; anything else is kept as
 * an {@link UnknownIsolator} so that it can be reported ("an executor MUST make information about which isolators
 * were ignored ... available to the user") instead of failing the pod.
 */
public sealed interface IsolatorValue
    permits ResourceMemory, ResourceCpu, ResourceBlockBandwidth, ResourceBlockIops, ResourceNetworkBandwidth,
        CapabilitiesRetainSet, CapabilitiesRemoveSet, SeccompRetainSet, SeccompRemoveSet, NoNewPrivileges,
        SelinuxContext, ApparmorProfile, OomScoreAdj, CpuShares, Sysctl, UnknownIsolator {}
