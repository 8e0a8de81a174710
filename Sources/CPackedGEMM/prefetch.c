/* Cache hints for strided reads: attention gathers one head's slice of every token's [q | k | v] row, a few dozen
 * scattered lines per (sample, head) that the hardware prefetchers do not foresee. */
#include "prefetch.h"

#include <stdint.h>

void spf_prefetch_rows(const float *base, int rows, size_t stride, int floats) {
    for (int r = 0; r < rows; r++) {
        const char *row = (const char *)(base + (size_t)r * stride);
        const char *end = (const char *)(base + (size_t)r * stride + floats);
        /* From the row's first line to the line of its last float. */
        for (const char *line = (const char *)((uintptr_t)row & ~(uintptr_t)63); line < end; line += 64)
            __builtin_prefetch(line, 0, 3);
    }
}
