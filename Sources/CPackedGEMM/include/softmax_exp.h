/* Softmax exponentials for spfflow's attention, on the instruction sets of packed_gemm.h. */
#ifndef SPF_SOFTMAX_EXP_H
#define SPF_SOFTMAX_EXP_H

/* y[i] = exp(x[i] - shift) for i < n (y may be x), and returns their sum. exp is Cody-Waite reduction and the Cephes
 * degree-7 polynomial in fused multiply-adds (TensorCore's SIMDMath.exp, the same operations per element: inputs
 * clamped to [-87, 88], NaN stays NaN). The sum runs over 16 lanes (lane l adds elements l, l + 16, ... of the whole
 * blocks of 16, in order), reduced as (lanes 0-7 + lanes 8-15), then halves of 4, 2 and 1, then the last n mod 16
 * elements in order. Every instruction set (SPF_ISA_*) gives the same bits. */
float spf_softmax_exp(int isa, const float *x, float *y, int n, float shift);

/* The online-softmax step of rows 0 ..< rows of one score tile (FlashAttention's forward recurrence), row r's n scores
 * at in + r * ld, their exponentials written at out + r * ld (out may be in):
 *   tile_max = the row's largest score (`v > m ? v : m` from -infinity);
 *   first tile: row_max[r] = tile_max, row_sum[r] = spf_softmax_exp(row, tile_max);
 *   later tiles: m = row_max[r] > tile_max ? row_max[r] : tile_max, c = exp(row_max[r] - m) (spf_softmax_exp's exp),
 *   row_sum[r] = row_sum[r] * c + spf_softmax_exp(row, m), row_max[r] = m, and when c != 1 the row's dh accumulated
 *   outputs at acc + r * acc_ld are multiplied by c.
 * Every instruction set gives the same bits, but for the sign of a zero row_max: where a row's largest scores are +0
 * and -0, one set may keep either. Nothing else written depends on that sign: exp(x - (+0)) = exp(x - (-0)) for every
 * x (both exponents are x, or +-0 when x is +-0, whose exp is 1), and the caller's log-sum-exp row_max + log(row_sum),
 * with row_sum >= 1, is +0 either way when it is zero. */
void spf_softmax_online_rows(int isa, const float *in, float *out, int rows, int n, int ld, int first, float *row_max,
                             float *row_sum, float *acc, int acc_ld, int dh);

#endif
