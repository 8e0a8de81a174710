/* Matrix products against an operand packed once in 16-column panels (spfflow's TensorCore). */
#ifndef SPF_PACKED_GEMM_H
#define SPF_PACKED_GEMM_H

#include <stddef.h>

/* The instruction sets the product kernel has. Every one gives the same bits: each element of C is
 * one chain of fused multiply-adds over k in order, then the bias, then C's old value; only how many
 * elements run side by side differs. */
enum {
    SPF_ISA_PORTABLE = 0, /* scalar fmaf (the reference, and any CPU) */
    SPF_ISA_AVX2 = 1,     /* 256-bit FMA3: 6 rows x 16 columns per tile */
    SPF_ISA_AVX512 = 2    /* 512-bit AVX-512F: 8 rows x 32 columns per tile */
};

/* The widest of the sets above this CPU (and its operating system) runs. */
int spf_packed_gemm_host_isa(void);

/* Floats a packed k x n operand takes: ceil(n / 16) panels of k x 16 (the last zero-padded). */
size_t spf_packed_gemm_floats(int k, int n);

/* Packs op(B), k x n, into `out` (spf_packed_gemm_floats(k, n) floats, 64-byte aligned for speed).
 * transposed = 0: B is stored k x n, element (kk, j) at b[kk * ldb + j].
 * transposed = 1: B is stored n x k (a layer's weight [out, in]), element (kk, j) at b[j * ldb + kk].
 * isa (one of the sets above this CPU runs) only says how the values move (AVX2 8 x 8 transposes for transposed
 * panels): every set writes the same floats. */
void spf_packed_gemm_pack(int isa, const float *b, int k, int n, int ldb, int transposed, float *out);

/* C[i, j] = ((acc(i, j) [* alpha]) [+ bias[j]]) [+ C[i, j] if accumulate], acc(i, j) = sum over kk of A[i, kk] * op(B)[kk, j]
 * as one fmaf chain in kk order from 0, for rows 0 ..< m and the columns of panels panel_begin ..< panel_end
 * (column j is in panel j / 16; columns >= n are not written). A is m x k row-major with leading dimension lda;
 * panel p starts at packed + p * panel_stride and holds rows 0 ..< k of its 16 columns (k * 16 for a whole packed
 * operand; a larger stride reads rows kk0 ..< kk0 + k of a taller one from packed + kk0 * 16). c points at C[0, 0]
 * with leading dimension ldc; bias (n floats) may be NULL; alpha 1 multiplies nothing. */
void spf_packed_gemm(int isa, int m, int n, int k, const float *a, int lda, const float *packed, size_t panel_stride,
                     int panel_begin, int panel_end, float alpha, const float *bias, int accumulate, float *c, int ldc);

/* spf_packed_gemm with A stored transposed, k x m: A[i, kk] = a[kk * lda + i]. The same chain of fused multiply-adds per
 * element, so the bits of spf_packed_gemm on a copy of A transposed to m x k. */
void spf_packed_gemm_at(int isa, int m, int n, int k, const float *a, int lda, const float *packed, size_t panel_stride,
                        int panel_begin, int panel_end, float alpha, const float *bias, int accumulate, float *c, int ldc);

/* Where spf_chain_gemm's chains start: at C's values as they are, at zero, or at one row (a layer's bias) copied into
 * every row of C first. */
enum {
    SPF_CHAIN_FROM_C = 0,
    SPF_CHAIN_FROM_ZERO = 1,
    SPF_CHAIN_FROM_ROW = 2
};

/* C[i, j] = one fmaf chain over kk in order of A[i, kk] * op(B)[kk, j], starting from C[i, j], 0 or row_start[j] (start),
 * for an m x n block of C; no alpha, no bias epilogue. op(A) is m x k: stored m x k row-major (transposed_a = 0, A[i, kk]
 * at a[i * lda + kk]) or k x m (transposed_a = 1, at a[kk * lda + i]). op(B) is k x n: stored k x n (transposed_b = 0, at
 * b[kk * ldb + j]) or n x k (transposed_b = 1, a layer's weight [out, in], at b[j * ldb + kk]). k is walked in blocks of kc
 * rows (kc <= 0: one block), each packed into scratch (spf_packed_gemm_floats(kc, n) floats) and multiplied with the chains
 * resumed from C, so the bits are those of one unbroken chain, whatever kc, the instruction set or the cut of C. */
void spf_chain_gemm(int isa, int m, int n, int k, const float *a, int lda, int transposed_a, const float *b, int ldb,
                    int transposed_b, int start, const float *row_start, int kc, float *scratch, float *c, int ldc);

/* dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols: a transposed copy (values moved, not computed). */
void spf_transpose(int isa, const float *src, int rows, int cols, int lds, float *dst, int ldd);

#endif
