/* Attention backward's score-tile steps in the packed-panel layout (attention_panels.h). A row's 16-column chunk goes to
 * its panel as one vector: the same elementwise operations as the row-major steps, only stored elsewhere. */
#include "attention_panels.h"

#include <string.h>
#include "exp_kernels.h"
#include "packed_gemm.h"

/* Every multiply and add as written: no contraction into fused multiply-adds the other kernels lack. */
#pragma STDC FP_CONTRACT OFF

enum { PANEL = 16 };

static inline float *panel_row(float *panels, size_t stride, int r, int chunk) {
    return panels + (size_t)chunk * stride + (size_t)r * PANEL;
}

/* One chunk of a row, element by element: `cols` exponentials of x - shift into dst, the rest of its 16 lanes zero. The
 * portable code's step for every chunk, and the vector code's for a row's last, partial one. */
static inline void exp_chunk(const float *x, int cols, float shift, float *dst) {
    for (int l = 0; l < cols; l++) dst[l] = exp_scalar(x[l] - shift);
    for (int l = cols; l < PANEL; l++) dst[l] = 0.0f;
}

/* One chunk of a row, element by element: dS = (scale * p) * (g - delta) over `cols` elements, into g and p. */
static inline void gradient_chunk(float *p, float *g, int cols, float delta, float scale) {
    for (int l = 0; l < cols; l++) {
        float ds = scale * p[l] * (g[l] - delta);
        g[l] = ds;
        p[l] = ds;
    }
}

static void exp_panels_portable(const float *x, int rows, int n, int ld, const float *shift, float *panels,
                                size_t stride) {
    for (int r = 0; r < rows; r++)
        for (int c0 = 0; c0 < n; c0 += PANEL)
            exp_chunk(x + (size_t)r * ld + c0, n - c0 < PANEL ? n - c0 : PANEL, shift[r],
                      panel_row(panels, stride, r, c0 / PANEL));
}

static void gradient_panels_portable(float *panels, float *g, int rows, int n, int ld, const float *delta, float scale,
                                     size_t stride) {
    for (int r = 0; r < rows; r++)
        for (int c0 = 0; c0 < n; c0 += PANEL)
            gradient_chunk(panel_row(panels, stride, r, c0 / PANEL), g + (size_t)r * ld + c0,
                           n - c0 < PANEL ? n - c0 : PANEL, delta[r], scale);
}

#if defined(__x86_64__)

/* A full chunk's 16 elements as two 8-lane halves (AVX2) or one 16-lane vector (AVX-512); a row's partial last chunk
 * by the portable chunk step. */
static TARGET_AVX2 void exp_panels_avx2(const float *x, int rows, int n, int ld, const float *shift, float *panels,
                                        size_t stride) {
    int full = n / PANEL * PANEL;
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * ld;
        __m256 s = _mm256_set1_ps(shift[r]);
        for (int c0 = 0; c0 < full; c0 += PANEL) {
            float *dst = panel_row(panels, stride, r, c0 / PANEL);
            _mm256_storeu_ps(dst, exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(xr + c0), s)));
            _mm256_storeu_ps(dst + 8, exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(xr + c0 + 8), s)));
        }
        if (full < n) exp_chunk(xr + full, n - full, shift[r], panel_row(panels, stride, r, full / PANEL));
    }
}

static TARGET_AVX512 void exp_panels_avx512(const float *x, int rows, int n, int ld, const float *shift, float *panels,
                                            size_t stride) {
    int full = n / PANEL * PANEL;
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * ld;
        __m512 s = _mm512_set1_ps(shift[r]);
        for (int c0 = 0; c0 < full; c0 += PANEL) {
            __m512 e = exp_avx512(_mm512_sub_ps(_mm512_loadu_ps(xr + c0), s));
            _mm512_storeu_ps(panel_row(panels, stride, r, c0 / PANEL), e);
        }
        if (full < n) exp_chunk(xr + full, n - full, shift[r], panel_row(panels, stride, r, full / PANEL));
    }
}

static TARGET_AVX2 void gradient_panels_avx2(float *panels, float *g, int rows, int n, int ld, const float *delta,
                                             float scale, size_t stride) {
    int full = n / PANEL * PANEL;
    __m256 sc = _mm256_set1_ps(scale);
    for (int r = 0; r < rows; r++) {
        float *gr = g + (size_t)r * ld;
        __m256 d = _mm256_set1_ps(delta[r]);
        for (int c0 = 0; c0 < full; c0 += PANEL) {
            float *p = panel_row(panels, stride, r, c0 / PANEL);
            for (int h = 0; h < PANEL; h += 8) {
                __m256 scaled = _mm256_mul_ps(sc, _mm256_loadu_ps(p + h));
                __m256 ds = _mm256_mul_ps(scaled, _mm256_sub_ps(_mm256_loadu_ps(gr + c0 + h), d));
                _mm256_storeu_ps(gr + c0 + h, ds);
                _mm256_storeu_ps(p + h, ds);
            }
        }
        if (full < n) gradient_chunk(panel_row(panels, stride, r, full / PANEL), gr + full, n - full, delta[r], scale);
    }
}

static TARGET_AVX512 void gradient_panels_avx512(float *panels, float *g, int rows, int n, int ld, const float *delta,
                                                 float scale, size_t stride) {
    int full = n / PANEL * PANEL;
    __m512 sc = _mm512_set1_ps(scale);
    for (int r = 0; r < rows; r++) {
        float *gr = g + (size_t)r * ld;
        __m512 d = _mm512_set1_ps(delta[r]);
        for (int c0 = 0; c0 < full; c0 += PANEL) {
            float *p = panel_row(panels, stride, r, c0 / PANEL);
            __m512 ds = _mm512_mul_ps(_mm512_mul_ps(sc, _mm512_loadu_ps(p)), _mm512_sub_ps(_mm512_loadu_ps(gr + c0), d));
            _mm512_storeu_ps(gr + c0, ds);
            _mm512_storeu_ps(p, ds);
        }
        if (full < n) gradient_chunk(panel_row(panels, stride, r, full / PANEL), gr + full, n - full, delta[r], scale);
    }
}

#endif

void spf_softmax_exp_panels(int isa, const float *x, int rows, int n, int ld, const float *shift, float *panels,
                            size_t stride) {
    if (rows <= 0 || n <= 0) return;
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) { exp_panels_avx512(x, rows, n, ld, shift, panels, stride); return; }
    if (isa == SPF_ISA_AVX2) { exp_panels_avx2(x, rows, n, ld, shift, panels, stride); return; }
#endif
    exp_panels_portable(x, rows, n, ld, shift, panels, stride);
}

void spf_score_gradient_panels(int isa, float *panels, float *g, int rows, int n, int ld, const float *delta, float scale,
                               size_t stride) {
    if (rows <= 0 || n <= 0) return;
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) { gradient_panels_avx512(panels, g, rows, n, ld, delta, scale, stride); return; }
    if (isa == SPF_ISA_AVX2) { gradient_panels_avx2(panels, g, rows, n, ld, delta, scale, stride); return; }
#endif
    gradient_panels_portable(panels, g, rows, n, ld, delta, scale, stride);
}
