/* A spin-wait hint for spfflow's worker threads (TensorCore's WorkerPool). */
#ifndef SPF_CPU_RELAX_H
#define SPF_CPU_RELAX_H

/* Tells the CPU the caller is spinning on a flag (x86 PAUSE): the loop uses less power and yields the core's
 * resources to its sibling hyper-thread. A no-op elsewhere. */
static inline void spf_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
