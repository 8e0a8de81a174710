/* GELU for spfflow's MLPs, on the instruction sets of packed_gemm.h. */
#ifndef SPF_GELU_H
#define SPF_GELU_H

/* y[i] = gelu(x[i]) for i < n (y may be x), with the tanh approximation as TensorCore's GELU.value computes it:
 * u = k0 * (v + ((k1 * v) * v) * v), y = v / (1 + exp(-2u)), 0 where u < -40; k0 = 0.7978845608 (sqrt(2/pi)),
 * k1 = 0.044715, exp that of softmax_exp.h. The same bits on every instruction set (SPF_ISA_*), and the same bits as
 * the Swift code. */
void spf_gelu(int isa, const float *x, float *y, int n);

#endif
