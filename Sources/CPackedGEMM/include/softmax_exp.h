/* Softmax exponentials for spfflow's attention, on the instruction sets of packed_gemm.h. */
#ifndef SPF_SOFTMAX_EXP_H
#define SPF_SOFTMAX_EXP_H

/* y[i] = exp(x[i] - shift) for i < n (y may be x), and returns their sum. exp is Cody-Waite reduction and the Cephes
 * degree-7 polynomial in fused multiply-adds (TensorCore's SIMDMath.exp, the same operations per element: inputs
 * clamped to [-87, 88], NaN stays NaN). The sum runs over 16 lanes (lane l adds elements l, l + 16, ... of the whole
 * blocks of 16, in order), reduced as (lanes 0-7 + lanes 8-15), then halves of 4, 2 and 1, then the last n mod 16
 * elements in order. Every instruction set (SPF_ISA_*) gives the same bits. */
float spf_softmax_exp(int isa, const float *x, float *y, int n, float shift);

#endif
