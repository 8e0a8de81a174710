/* Softmax exponentials for attention: exp(x - shift) over a row of scores and the row's sum.
 *
 * The same operations per element as TensorCore's SIMDMath.exp, 16 lanes at a time with AVX-512, 2 x 8 with AVX2, one
 * with the portable code, and the same lanes and reduction order for the sum: every instruction set gives the same
 * bits. A row of a 512-key tile takes a third of the time with AVX-512 that it takes 8 lanes wide. */
#include "softmax_exp.h"

#include <math.h>
#include "exp_kernels.h"
#include "packed_gemm.h"

/* Every multiply and add as written: no contraction into fused multiply-adds the other kernels lack. */
#pragma STDC FP_CONTRACT OFF

/* Lanes 0-7 plus lanes 8-15, then halves: the reduction every instruction set uses. */
static inline float reduce16(const float lanes[16]) {
    float v8[8], v4[4], v2[2];
    for (int l = 0; l < 8; l++) v8[l] = lanes[l] + lanes[l + 8];
    for (int l = 0; l < 4; l++) v4[l] = v8[l] + v8[l + 4];
    for (int l = 0; l < 2; l++) v2[l] = v4[l] + v4[l + 2];
    return v2[0] + v2[1];
}

static float softmax_exp_portable(const float *x, float *y, int n, float shift) {
    float lanes[16] = {0};
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) {
            float e = exp_scalar(x[i + l] - shift);
            y[i + l] = e;
            lanes[l] = lanes[l] + e;
        }
    float sum = reduce16(lanes);
    for (; i < n; i++) {
        y[i] = exp_scalar(x[i] - shift);
        sum = sum + y[i];
    }
    return sum;
}

#if defined(__x86_64__)

static TARGET_AVX2 float softmax_exp_avx2(const float *x, float *y, int n, float shift) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps(), s = _mm256_set1_ps(shift);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 e0 = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        __m256 e1 = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), s));
        _mm256_storeu_ps(y + i, e0);
        _mm256_storeu_ps(y + i + 8, e1);
        lo = _mm256_add_ps(lo, e0);
        hi = _mm256_add_ps(hi, e1);
    }
    float lanes[16];
    _mm256_storeu_ps(lanes, lo);
    _mm256_storeu_ps(lanes + 8, hi);
    float sum = reduce16(lanes);
    for (; i < n; i++) {
        y[i] = exp_scalar(x[i] - shift);
        sum = sum + y[i];
    }
    return sum;
}

static TARGET_AVX512 float softmax_exp_avx512(const float *x, float *y, int n, float shift) {
    __m512 acc = _mm512_setzero_ps(), s = _mm512_set1_ps(shift);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = exp_avx512(_mm512_sub_ps(_mm512_loadu_ps(x + i), s));
        _mm512_storeu_ps(y + i, e);
        acc = _mm512_add_ps(acc, e);
    }
    float lanes[16];
    _mm512_storeu_ps(lanes, acc);
    float sum = reduce16(lanes);
    for (; i < n; i++) {
        y[i] = exp_scalar(x[i] - shift);
        sum = sum + y[i];
    }
    return sum;
}

#endif

float spf_softmax_exp(int isa, const float *x, float *y, int n, float shift) {
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) return softmax_exp_avx512(x, y, n, shift);
    if (isa == SPF_ISA_AVX2) return softmax_exp_avx2(x, y, n, shift);
#endif
    return softmax_exp_portable(x, y, n, shift);
}

/* m, then each of x[0 ..< n] in turn, kept as `v > m ? v : m` (NaN never wins): the step every set's row maximum
 * takes, on its own in the portable code, over the vector lanes and the tail in the others. */
static inline float max_from(float m, const float *x, int n) {
    for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

/* The largest of x[0 ..< n] from -infinity. MAXPS(v, m) is max_from's selection, so the lanes compute it 16 or 8 wide;
 * which of a +0 and a -0 tie it keeps may differ between instruction sets (see softmax_exp.h for why nothing else
 * depends on it). */
static float row_max_portable(const float *x, int n) { return max_from(-INFINITY, x, n); }

#if defined(__x86_64__)

static TARGET_AVX2 float row_max_avx2(const float *x, int n) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(x + i), m);
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    return max_from(max_from(-INFINITY, lanes, 8), x + i, n - i);
}

static TARGET_AVX512 float row_max_avx512(const float *x, int n) {
    __m512 m = _mm512_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 16 <= n; i += 16) m = _mm512_max_ps(_mm512_loadu_ps(x + i), m);
    float lanes[16];
    _mm512_storeu_ps(lanes, m);
    return max_from(max_from(-INFINITY, lanes, 16), x + i, n - i);
}

#endif

static float row_max(int isa, const float *x, int n) {
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) return row_max_avx512(x, n);
    if (isa == SPF_ISA_AVX2) return row_max_avx2(x, n);
#endif
    return row_max_portable(x, n);
}

static inline __attribute__((always_inline)) void online_rows(int isa, const float *in, float *out, int rows, int n,
                                                               int ld, int first, float *row_max_io, float *row_sum,
                                                               float *acc, int acc_ld, int dh) {
    for (int r = 0; r < rows; r++) {
        const float *x = in + (size_t)r * ld;
        float *y = out + (size_t)r * ld;
        float tile_max = row_max(isa, x, n);
        if (first) {
            row_max_io[r] = tile_max;
            row_sum[r] = spf_softmax_exp(isa, x, y, n, tile_max);
            continue;
        }
        float m = row_max_io[r] > tile_max ? row_max_io[r] : tile_max;
        float correction = exp_scalar(row_max_io[r] - m);
        row_sum[r] = row_sum[r] * correction + spf_softmax_exp(isa, x, y, n, m);
        row_max_io[r] = m;
        if (correction != 1.0f) {
            float *a = acc + (size_t)r * acc_ld;
            for (int j = 0; j < dh; j++) a[j] = a[j] * correction;
        }
    }
}

#if defined(__x86_64__)
/* online_rows where the CPU has FMA: the correction's exp_scalar then runs its fused multiply-adds as instructions
 * instead of calls to libm's fmaf (0.8 % of the samples of `spfflow bench scaling --parts torch`, its 2° training
 * steps and sampling passes, in perf). fmaf is rounded once either way: the same bits. */
static TARGET_AVX2 void online_rows_fma(int isa, const float *in, float *out, int rows, int n, int ld, int first,
                                        float *row_max_io, float *row_sum, float *acc, int acc_ld, int dh) {
    online_rows(isa, in, out, rows, n, ld, first, row_max_io, row_sum, acc, acc_ld, dh);
}
#endif

void spf_softmax_online_rows(int isa, const float *in, float *out, int rows, int n, int ld, int first, float *row_max_io,
                             float *row_sum, float *acc, int acc_ld, int dh) {
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512 || isa == SPF_ISA_AVX2) {
        online_rows_fma(isa, in, out, rows, n, ld, first, row_max_io, row_sum, acc, acc_ld, dh);
        return;
    }
#endif
    online_rows(isa, in, out, rows, n, ld, first, row_max_io, row_sum, acc, acc_ld, dh);
}
