/* Cache hints for strided reads (spfflow's TensorCore). */
#ifndef SPF_PREFETCH_H
#define SPF_PREFETCH_H

#include <stddef.h>

/* Asks the CPU to bring `rows` rows of `floats` floats each, `stride` floats apart from `base`, into its caches ahead
 * of their reads: one hint per 64-byte line. A hint only: no value read or written changes. */
void spf_prefetch_rows(const float *base, int rows, size_t stride, int floats);

#endif
