/* Attention backward's score-tile steps that write the packed-panel layout of packed_gemm.h, so that the tile is the
 * packed operand of the key and value gradients' products (dVᵀ += dOᵀ·P, dKᵀ += Qᵀ·dS) as it is made, with no copy. */
#ifndef SPF_ATTENTION_PANELS_H
#define SPF_ATTENTION_PANELS_H

#include <stddef.h>

/* A tile of `rows` x `n` in panels `stride` floats apart (stride >= 16 * rows): element (r, c) at
 * panels[(c / 16) * stride + r * 16 + c % 16], the last panel's columns past n zero (spf_packed_gemm's operand
 * op(B) = the tile, k = rows, panel stride `stride`). A stride that is not a multiple of 1024 floats keeps a row's
 * chunks, one panel apart, off one 4 KiB alias and one L1 set. */

/* P = exp(x - shift[r]) of rows 0 ..< rows of a score tile (row r's n scores at x + r * ld), in panels: spf_softmax_exp's
 * exponential, so each element has the bits spf_softmax_exp gives it, on every instruction set. */
void spf_softmax_exp_panels(int isa, const float *x, int rows, int n, int ld, const float *shift, float *panels,
                            size_t stride);

/* The softmax backward of the same tile: with P in panels and dP row-major (row r at g + r * ld),
 * dS = (scale * P) * (dP - delta[r]) element by element (no fused multiply-add), written over dP (row-major) and over P
 * (in panels). Every instruction set gives the same bits. */
void spf_score_gradient_panels(int isa, float *panels, float *g, int rows, int n, int ld, const float *delta, float scale,
                               size_t stride);

#endif
