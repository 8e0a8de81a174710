/* Matrix products against an operand packed once in 16-column panels.
 *
 * A frozen model's weights are packed once (spf_packed_gemm_pack) and every solver step's products read
 * them as they are; a BLAS packs its operands on every call, which costs as much as the product itself
 * when a call has a few dozen rows (a coarse pyramid stage). The kernels keep a tile of C in registers
 * (8 x 32 with AVX-512, 6 x 16 with AVX2) and add one row of the packed panel per step of k, broadcasting
 * A's elements. Element (i, j) is the same chain of fused multiply-adds over k in order whatever the
 * instruction set and wherever the tile boundaries fall, so the three kernels and any split of the rows
 * or panels over threads give the same bits.
 *
 * A training step's layer products change their weights every step, so they pack on every call instead
 * (spf_chain_gemm): k in blocks, each block of op(B) packed for one piece of C, and each element's chain
 * resumed from C (from_c) at the next block, which gives the bits of one unbroken chain. */
#include "packed_gemm.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Every multiply and add as written: no contraction into fused multiply-adds the other kernels lack. */
#pragma STDC FP_CONTRACT OFF

enum { PANEL = 16 };

size_t spf_packed_gemm_floats(int k, int n) {
    if (k <= 0 || n <= 0) return 0;
    return (size_t)((n + PANEL - 1) / PANEL) * PANEL * (size_t)k;
}

/* dst[0 ..< n] = src[0 ..< n] for the short rows of panels and pieces (a memcpy call per row cost more than the copy). */
static inline void copy_floats(float *dst, const float *src, int n) {
    int j = 0;
#if defined(__x86_64__)
    for (; j + 4 <= n; j += 4) _mm_storeu_ps(dst + j, _mm_loadu_ps(src + j));
#endif
    for (; j < n; j++) dst[j] = src[j];
}

/* Columns j0 ..< j0 + cols of op(B) into one panel (k rows of 16, the columns past cols zero), one row of the
 * panel at a time: B's rows are contiguous there (transposed = 0), so each panel row is one copy. */
static void pack_panel_rows(const float *b, int k, int j0, int cols, int ldb, float *dst) {
    for (int kk = 0; kk < k; kk++) {
        float *row = dst + (size_t)kk * PANEL;
        copy_floats(row, b + (size_t)kk * ldb + j0, cols);
        for (int jj = cols; jj < PANEL; jj++) row[jj] = 0.0f;
    }
}

/* The same panel when B is stored n x k (transposed = 1): column jj of the panel is row j0 + jj of the storage, read
 * along its contiguous k values. */
static void pack_panel_columns(const float *b, int k, int j0, int cols, int ldb, int kk0, float *dst) {
    for (int jj = 0; jj < cols; jj++) {
        const float *src = b + (size_t)(j0 + jj) * ldb;
        for (int kk = kk0; kk < k; kk++) dst[(size_t)kk * PANEL + jj] = src[kk];
    }
    for (int kk = kk0; kk < k; kk++)
        for (int jj = cols; jj < PANEL; jj++) dst[(size_t)kk * PANEL + jj] = 0.0f;
}

/* The epilogue of one element: the bias, then C's old value (the vector epilogues do the same adds). */
static inline float finish(float acc, float alpha, const float *bias, int j, int accumulate, const float *old) {
    float v = acc;
    if (alpha != 1.0f) v = v * alpha;
    if (bias) v = v + bias[j];
    if (accumulate) v = *old + v;
    return v;
}

/* Writes a tile of `rows` x 16 accumulators held in `tile` to columns j0 ..< j0 + cols of C. */
static void store_partial(const float *tile, int rows, int cols, int j0, float alpha, const float *bias, int accumulate,
                          float *c, int ldc) {
    for (int r = 0; r < rows; r++)
        for (int jj = 0; jj < cols; jj++) {
            float *out = c + (size_t)r * ldc + j0 + jj;
            *out = finish(tile[r * PANEL + jj], alpha, bias, j0 + jj, accumulate, out);
        }
}

/* The starting values of a chain (from_c) for a tile whose last panel has only `cols` columns: C's values, zero past
 * them. */
static void load_partial(float *tile, int rows, int cols, int j0, const float *c, int ldc) {
    for (int r = 0; r < rows; r++)
        for (int jj = 0; jj < PANEL; jj++) tile[r * PANEL + jj] = jj < cols ? c[(size_t)r * ldc + j0 + jj] : 0.0f;
}

static void gemm_portable(int m, int n, int k, const float *a, size_t ars, size_t aks, const float *packed,
                          size_t panel_stride, int panel_begin, int panel_end, float alpha, const float *bias,
                          int accumulate, int from_c, float *c, int ldc) {
    for (int p = panel_begin; p < panel_end; p++) {
        const float *panel = packed + (size_t)p * panel_stride;
        int j0 = p * PANEL, cols = n - j0 < PANEL ? n - j0 : PANEL;
        for (int i = 0; i < m; i++) {
            float tile[PANEL];
            for (int jj = 0; jj < PANEL; jj++) {
                float acc = from_c && jj < cols ? c[(size_t)i * ldc + j0 + jj] : 0.0f;
                for (int kk = 0; kk < k; kk++) acc = fmaf(a[i * ars + kk * aks], panel[(size_t)kk * PANEL + jj], acc);
                tile[jj] = acc;
            }
            store_partial(tile, 1, cols, j0, alpha, bias, accumulate, c + (size_t)i * ldc, ldc);
        }
    }
}

#if defined(__x86_64__)

#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TARGET_AVX512 __attribute__((target("avx2,fma,avx512f")))

/* One AVX2 tile: MR rows x one panel (16 columns, two registers per row). */
static inline __attribute__((always_inline)) TARGET_AVX2 void tile_avx2(int MR, int k, const float *a, size_t ars,
                                                                         size_t aks,
                                                                         const float *panel, int j0, int cols,
                                                                         float alpha, const float *bias, int accumulate,
                                                                         int from_c, float *c, int ldc) {
    __m256 lo[6], hi[6];
    if (from_c && cols == PANEL) {
        for (int r = 0; r < MR; r++) {
            lo[r] = _mm256_loadu_ps(c + (size_t)r * ldc + j0);
            hi[r] = _mm256_loadu_ps(c + (size_t)r * ldc + j0 + 8);
        }
    } else if (from_c) {
        float tile[6 * PANEL];
        load_partial(tile, MR, cols, j0, c, ldc);
        for (int r = 0; r < MR; r++) {
            lo[r] = _mm256_loadu_ps(tile + r * PANEL);
            hi[r] = _mm256_loadu_ps(tile + r * PANEL + 8);
        }
    } else {
        for (int r = 0; r < MR; r++) { lo[r] = _mm256_setzero_ps(); hi[r] = _mm256_setzero_ps(); }
    }
    for (int kk = 0; kk < k; kk++) {
        __m256 b0 = _mm256_loadu_ps(panel + (size_t)kk * PANEL), b1 = _mm256_loadu_ps(panel + (size_t)kk * PANEL + 8);
        for (int r = 0; r < MR; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * ars + kk * aks);
            lo[r] = _mm256_fmadd_ps(x, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(x, b1, hi[r]);
        }
    }
    if (cols == PANEL) {
        for (int r = 0; r < MR; r++) {
            float *out = c + (size_t)r * ldc + j0;
            __m256 v0 = lo[r], v1 = hi[r];
            if (alpha != 1.0f) { v0 = _mm256_mul_ps(v0, _mm256_set1_ps(alpha)); v1 = _mm256_mul_ps(v1, _mm256_set1_ps(alpha)); }
            if (bias) { v0 = _mm256_add_ps(v0, _mm256_loadu_ps(bias + j0)); v1 = _mm256_add_ps(v1, _mm256_loadu_ps(bias + j0 + 8)); }
            if (accumulate) { v0 = _mm256_add_ps(_mm256_loadu_ps(out), v0); v1 = _mm256_add_ps(_mm256_loadu_ps(out + 8), v1); }
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        }
    } else {
        float tile[6 * PANEL];
        for (int r = 0; r < MR; r++) { _mm256_storeu_ps(tile + r * PANEL, lo[r]); _mm256_storeu_ps(tile + r * PANEL + 8, hi[r]); }
        store_partial(tile, MR, cols, j0, alpha, bias, accumulate, c, ldc);
    }
}

/* The AVX2 driver for A read with row stride ars and k stride aks (constants once inlined into gemm_avx2). */
static inline __attribute__((always_inline)) TARGET_AVX2 void gemm_avx2_body(int m, int n, int k, const float *a, size_t ars,
                                                                              size_t aks, const float *packed,
                                                                              size_t panel_stride, int panel_begin,
                                                                              int panel_end, float alpha, const float *bias,
                                                                              int accumulate, int from_c, float *c, int ldc) {
    for (int p = panel_begin; p < panel_end; p++) {
        const float *panel = packed + (size_t)p * panel_stride;
        int j0 = p * PANEL, cols = n - j0 < PANEL ? n - j0 : PANEL;
        int i = 0;
        for (; i + 6 <= m; i += 6)
            tile_avx2(6, k, a + i * ars, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, c + (size_t)i * ldc,
                      ldc);
        const float *ai = a + i * ars;
        float *ci = c + (size_t)i * ldc;
        switch (m - i) {
        case 5: tile_avx2(5, k, ai, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, ci, ldc); break;
        case 4: tile_avx2(4, k, ai, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, ci, ldc); break;
        case 3: tile_avx2(3, k, ai, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, ci, ldc); break;
        case 2: tile_avx2(2, k, ai, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, ci, ldc); break;
        case 1: tile_avx2(1, k, ai, ars, aks, panel, j0, cols, alpha, bias, accumulate, from_c, ci, ldc); break;
        default: break;
        }
    }
}

static TARGET_AVX2 void gemm_avx2(int m, int n, int k, const float *a, int lda, int transposed_a, const float *packed,
                                  size_t panel_stride, int panel_begin, int panel_end, float alpha, const float *bias,
                                  int accumulate, int from_c, float *c, int ldc) {
    if (transposed_a)
        gemm_avx2_body(m, n, k, a, 1, (size_t)lda, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                       from_c, c, ldc);
    else
        gemm_avx2_body(m, n, k, a, (size_t)lda, 1, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                       from_c, c, ldc);
}

/* One AVX-512 register row of a tile to C (16 columns at j0). */
static inline __attribute__((always_inline)) TARGET_AVX512 void store_avx512(__m512 v, float *out, int j0, float alpha,
                                                                              const float *bias, int accumulate) {
    if (alpha != 1.0f) v = _mm512_mul_ps(v, _mm512_set1_ps(alpha));
    if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias + j0));
    if (accumulate) v = _mm512_add_ps(_mm512_loadu_ps(out + j0), v);
    _mm512_storeu_ps(out + j0, v);
}

/* One AVX-512 tile: MR rows x NP panels (NP = 1 or 2: 16 or 32 columns, one register per row and panel). */
static inline __attribute__((always_inline)) TARGET_AVX512 void tile_avx512(int MR, int NP, int k, const float *a, size_t ars,
                                                                             size_t aks,
                                                                             const float *panel0, const float *panel1,
                                                                             int j0, int cols0, int cols1, float alpha,
                                                                             const float *bias, int accumulate,
                                                                             int from_c, float *c, int ldc) {
    __m512 acc0[8], acc1[8];
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
    if (from_c) {
        for (int half = 0; half < NP; half++) {
            int cols = half == 0 ? cols0 : cols1, jh = j0 + half * PANEL;
            __m512 *acc = half == 0 ? acc0 : acc1;
            if (cols == PANEL) {
                for (int r = 0; r < MR; r++) acc[r] = _mm512_loadu_ps(c + (size_t)r * ldc + jh);
            } else {
                float tile[8 * PANEL];
                load_partial(tile, MR, cols, jh, c, ldc);
                for (int r = 0; r < MR; r++) acc[r] = _mm512_loadu_ps(tile + r * PANEL);
            }
        }
    }
    for (int kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(panel0 + (size_t)kk * PANEL);
        __m512 b1 = NP == 2 ? _mm512_loadu_ps(panel1 + (size_t)kk * PANEL) : b0;
        for (int r = 0; r < MR; r++) {
            __m512 x = _mm512_set1_ps(a[r * ars + kk * aks]);
            acc0[r] = _mm512_fmadd_ps(x, b0, acc0[r]);
            if (NP == 2) acc1[r] = _mm512_fmadd_ps(x, b1, acc1[r]);
        }
    }
    for (int half = 0; half < NP; half++) {
        int cols = half == 0 ? cols0 : cols1, jh = j0 + half * PANEL;
        __m512 *acc = half == 0 ? acc0 : acc1;
        if (cols == PANEL) {
            for (int r = 0; r < MR; r++) store_avx512(acc[r], c + (size_t)r * ldc, jh, alpha, bias, accumulate);
        } else {
            float tile[8 * PANEL];
            for (int r = 0; r < MR; r++) _mm512_storeu_ps(tile + r * PANEL, acc[r]);
            store_partial(tile, MR, cols, jh, alpha, bias, accumulate, c, ldc);
        }
    }
}

#define AVX512_ROWS(NP)                                                                                              \
    do {                                                                                                             \
        int i = 0;                                                                                                   \
        for (; i + 8 <= m; i += 8)                                                                                   \
            tile_avx512(8, NP, k, a + i * ars, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate,    \
                        from_c, c + (size_t)i * ldc, ldc);                                                                   \
        const float *ai = a + i * ars;                                                                                \
        float *ci = c + (size_t)i * ldc;                                                                             \
        switch (m - i) {                                                                                             \
        case 7: tile_avx512(7, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 6: tile_avx512(6, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 5: tile_avx512(5, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 4: tile_avx512(4, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 3: tile_avx512(3, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 2: tile_avx512(2, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        case 1: tile_avx512(1, NP, k, ai, ars, aks, panel0, panel1, j0, cols0, cols1, alpha, bias, accumulate, from_c, ci, ldc); break; \
        default: break;                                                                                              \
        }                                                                                                            \
    } while (0)

/* The AVX-512 driver for A read with row stride ars and k stride aks (constants once inlined into gemm_avx512). */
static inline __attribute__((always_inline)) TARGET_AVX512 void gemm_avx512_body(int m, int n, int k, const float *a,
                                                                                  size_t ars, size_t aks,
                                                                                  const float *packed, size_t panel_stride,
                                                                                  int panel_begin, int panel_end,
                                                                                  float alpha, const float *bias,
                                                                                  int accumulate, int from_c, float *c, int ldc) {
    for (int p = panel_begin; p < panel_end; p += 2) {
        const float *panel0 = packed + (size_t)p * panel_stride;
        const float *panel1 = p + 1 < panel_end ? panel0 + panel_stride : panel0;
        int j0 = p * PANEL, cols0 = n - j0 < PANEL ? n - j0 : PANEL;
        if (p + 1 < panel_end) {
            int j1 = j0 + PANEL, cols1 = n - j1 < PANEL ? n - j1 : PANEL;
            AVX512_ROWS(2);
        } else {
            int cols1 = 0;
            AVX512_ROWS(1);
        }
    }
}

static TARGET_AVX512 void gemm_avx512(int m, int n, int k, const float *a, int lda, int transposed_a, const float *packed,
                                      size_t panel_stride, int panel_begin, int panel_end, float alpha,
                                      const float *bias, int accumulate, int from_c, float *c, int ldc) {
    if (transposed_a)
        gemm_avx512_body(m, n, k, a, 1, (size_t)lda, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                         from_c, c, ldc);
    else
        gemm_avx512_body(m, n, k, a, (size_t)lda, 1, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                         from_c, c, ldc);
}

/* Transposes the 8 x 8 block at src (rows lds apart) into dst (rows ldd apart): unpack pairs, shuffle quads, swap
 * 128-bit halves. Moves values only. */
static inline __attribute__((always_inline)) TARGET_AVX2 void transpose8_avx2(const float *src, int lds, float *dst, int ldd) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds), r2 = _mm256_loadu_ps(src + 2 * (size_t)lds),
           r3 = _mm256_loadu_ps(src + 3 * (size_t)lds), r4 = _mm256_loadu_ps(src + 4 * (size_t)lds),
           r5 = _mm256_loadu_ps(src + 5 * (size_t)lds), r6 = _mm256_loadu_ps(src + 6 * (size_t)lds),
           r7 = _mm256_loadu_ps(src + 7 * (size_t)lds);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
           t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44),
           u3 = _mm256_shuffle_ps(t1, t3, 0xEE), u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * (size_t)ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * (size_t)ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * (size_t)ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * (size_t)ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * (size_t)ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * (size_t)ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/* pack_panel_columns for a whole panel (16 columns) with 8 x 8 block transposes over k's multiples of 8; the rest of k
 * by the scalar loop. */
static TARGET_AVX2 void pack_panel_columns_avx2(const float *b, int k, int j0, int ldb, float *dst) {
    int k8 = k & ~7;
    for (int kk = 0; kk < k8; kk += 8) {
        transpose8_avx2(b + (size_t)j0 * ldb + kk, ldb, dst + (size_t)kk * PANEL, PANEL);
        transpose8_avx2(b + (size_t)(j0 + 8) * ldb + kk, ldb, dst + (size_t)kk * PANEL + 8, PANEL);
    }
    if (k8 < k) pack_panel_columns(b, k, j0, PANEL, ldb, k8, dst);
}

/* dst = src transposed by 8 x 8 blocks; the edges element by element. */
static TARGET_AVX2 void transpose_avx2(const float *src, int rows, int cols, int lds, float *dst, int ldd) {
    int r8 = rows & ~7, c8 = cols & ~7;
    for (int r = 0; r < r8; r += 8)
        for (int c = 0; c < c8; c += 8) transpose8_avx2(src + (size_t)r * lds + c, lds, dst + (size_t)c * ldd + r, ldd);
    for (int r = 0; r < rows; r++)
        for (int c = r < r8 ? c8 : 0; c < cols; c++) dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
}

int spf_packed_gemm_host_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return SPF_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SPF_ISA_AVX2;
    return SPF_ISA_PORTABLE;
}

#else

int spf_packed_gemm_host_isa(void) { return SPF_ISA_PORTABLE; }

#endif

static void packed_gemm(int isa, int m, int n, int k, const float *a, int lda, int transposed_a, const float *packed,
                        size_t panel_stride, int panel_begin, int panel_end, float alpha, const float *bias,
                        int accumulate, int from_c, float *c, int ldc) {
    int panels = (n + PANEL - 1) / PANEL;
    if (panel_end > panels) panel_end = panels;
    if (m <= 0 || panel_begin >= panel_end) return;
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX512) {
        gemm_avx512(m, n, k, a, lda, transposed_a, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                    from_c, c, ldc);
        return;
    }
    if (isa == SPF_ISA_AVX2) {
        gemm_avx2(m, n, k, a, lda, transposed_a, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate, from_c,
                  c, ldc);
        return;
    }
#endif
    if (transposed_a)
        gemm_portable(m, n, k, a, 1, (size_t)lda, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                      from_c, c, ldc);
    else
        gemm_portable(m, n, k, a, (size_t)lda, 1, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate,
                      from_c, c, ldc);
}

void spf_packed_gemm(int isa, int m, int n, int k, const float *a, int lda, const float *packed, size_t panel_stride,
                     int panel_begin, int panel_end, float alpha, const float *bias, int accumulate, float *c, int ldc) {
    packed_gemm(isa, m, n, k, a, lda, 0, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate, 0, c, ldc);
}

void spf_packed_gemm_at(int isa, int m, int n, int k, const float *a, int lda, const float *packed, size_t panel_stride,
                        int panel_begin, int panel_end, float alpha, const float *bias, int accumulate, float *c, int ldc) {
    packed_gemm(isa, m, n, k, a, lda, 1, packed, panel_stride, panel_begin, panel_end, alpha, bias, accumulate, 0, c, ldc);
}

void spf_packed_gemm_pack(int isa, const float *b, int k, int n, int ldb, int transposed, float *out) {
    int panels = (n + PANEL - 1) / PANEL;
    for (int p = 0; p < panels; p++) {
        float *dst = out + (size_t)p * k * PANEL;
        int j0 = p * PANEL, cols = n - j0 < PANEL ? n - j0 : PANEL;
        if (!transposed) {
            pack_panel_rows(b, k, j0, cols, ldb, dst);
            continue;
        }
#if defined(__x86_64__)
        if (cols == PANEL && (isa == SPF_ISA_AVX2 || isa == SPF_ISA_AVX512)) {
            pack_panel_columns_avx2(b, k, j0, ldb, dst);
            continue;
        }
#else
        (void)isa;
#endif
        pack_panel_columns(b, k, j0, cols, ldb, 0, dst);
    }
}

void spf_transpose(int isa, const float *src, int rows, int cols, int lds, float *dst, int ldd) {
    if (rows <= 0 || cols <= 0) return;
#if defined(__x86_64__)
    if (isa == SPF_ISA_AVX2 || isa == SPF_ISA_AVX512) {
        transpose_avx2(src, rows, cols, lds, dst, ldd);
        return;
    }
#else
    (void)isa;
#endif
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
}

void spf_chain_gemm(int isa, int m, int n, int k, const float *a, int lda, int transposed_a, const float *b, int ldb,
                    int transposed_b, int start, const float *row_start, int kc, float *scratch, float *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    if (start == SPF_CHAIN_FROM_ROW)
        for (int i = 0; i < m; i++) copy_floats(c + (size_t)i * ldc, row_start, n);
    else if (start == SPF_CHAIN_FROM_ZERO && k <= 0)
        for (int i = 0; i < m; i++) memset(c + (size_t)i * ldc, 0, (size_t)n * sizeof(float));
    if (kc <= 0) kc = k;
    int panels = (n + PANEL - 1) / PANEL;
    for (int k0 = 0; k0 < k; k0 += kc) {
        int kb = k - k0 < kc ? k - k0 : kc;
        spf_packed_gemm_pack(isa, transposed_b ? b + k0 : b + (size_t)k0 * ldb, kb, n, ldb, transposed_b, scratch);
        const float *ak = transposed_a ? a + (size_t)k0 * lda : a + k0;
        /* A chain from zero starts its first block at zero (the same bits as C's zeros, without writing them). */
        int from_c = k0 > 0 || start != SPF_CHAIN_FROM_ZERO;
        packed_gemm(isa, m, n, kb, ak, lda, transposed_a, scratch, (size_t)kb * PANEL, 0, panels, 1.0f, NULL, 0, from_c, c,
                    ldc);
    }
}
