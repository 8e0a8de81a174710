/* GELU (tanh approximation) for the MLP of spfflow's MM-DiT blocks.
 *
 * TensorCore's GELU.value, element for element: the same operations in the same order (no contraction into fused
 * multiply-adds), with exp_kernels.h's exponential. 16 lanes at a time with AVX-512, 8 with AVX2, one with the
 * portable code: every instruction set, and the Swift loop, give the same bits. The Swift loop runs 8 lanes wide
 * (the build's x86-64-v3 baseline); an AVX-512 CPU takes about half the time here. */
#include "gelu.h"
#include "exp_kernels.h"
#include "packed_gemm.h"

#pragma STDC FP_CONTRACT OFF

#define GELU_K0 0.7978845608f /* sqrt(2 / pi) */
#define GELU_K1 0.044715f

static inline float gelu_scalar(float v) {
    float u = GELU_K0 * (v + GELU_K1 * v * v * v);
    float r = v / (1.0f + exp_scalar(-2.0f * u));
    return u < -40.0f ? 0.0f : r;
}

static void gelu_portable(const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] = gelu_scalar(x[i]);
}

#if defined(__x86_64__)

/* gelu_avx2 and gelu_avx512 are gelu_scalar's sequence at two vector widths: change the three together.
 * ActivationTests fails when their bits differ from GELU.value's. */
static TARGET_AVX2 void gelu_avx2(const float *x, float *y, int n) {
    const __m256 k0 = _mm256_set1_ps(GELU_K0), k1 = _mm256_set1_ps(GELU_K1), one = _mm256_set1_ps(1.0f);
    const __m256 minus2 = _mm256_set1_ps(-2.0f), cut = _mm256_set1_ps(-40.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 cube = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(k1, v), v), v);
        __m256 u = _mm256_mul_ps(k0, _mm256_add_ps(v, cube));
        __m256 r = _mm256_div_ps(v, _mm256_add_ps(one, exp_avx2(_mm256_mul_ps(minus2, u))));
        r = _mm256_blendv_ps(r, _mm256_setzero_ps(), _mm256_cmp_ps(u, cut, _CMP_LT_OQ));
        _mm256_storeu_ps(y + i, r);
    }
    for (; i < n; i++) y[i] = gelu_scalar(x[i]);
}

static TARGET_AVX512 void gelu_avx512(const float *x, float *y, int n) {
    const __m512 k0 = _mm512_set1_ps(GELU_K0), k1 = _mm512_set1_ps(GELU_K1), one = _mm512_set1_ps(1.0f);
    const __m512 minus2 = _mm512_set1_ps(-2.0f), cut = _mm512_set1_ps(-40.0f);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __m512 cube = _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(k1, v), v), v);
        __m512 u = _mm512_mul_ps(k0, _mm512_add_ps(v, cube));
        __m512 r = _mm512_div_ps(v, _mm512_add_ps(one, exp_avx512(_mm512_mul_ps(minus2, u))));
        r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(u, cut, _CMP_LT_OQ), _mm512_setzero_ps());
        _mm512_storeu_ps(y + i, r);
    }
    for (; i < n; i++) y[i] = gelu_scalar(x[i]);
}

#endif

void spf_gelu(int isa, const float *x, float *y, int n) {
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) { gelu_avx512(x, y, n); return; }
    if (isa == SPF_ISA_AVX2) { gelu_avx2(x, y, n); return; }
#endif
    gelu_portable(x, y, n);
}
