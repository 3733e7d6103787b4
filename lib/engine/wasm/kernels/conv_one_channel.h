// A conv on a 1-channel input (a model's first conv: the BatchNormalization example's 3×3
// stride-2 `same` one, 28×28 → 14×14×16) read in place, for any window, strides and padding
// and CO % 4 = 0 filters: no im2col, no padded copy. Each output row and column gets the
// range of kernel rows and columns inside the input, so the inner loops never test. The
// forward is in conv_one_channel_forward.h, the filter and bias gradient in
// conv_one_channel_grad.h; here, when the path runs and what both share. What V8 made of the
// C mattered as much as the blocking: a runtime activation switch, CO or kw range in the
// loops, and a pixel in a loop of its own each cost 20–40 %.
#pragma once
#include "simd.h"
#include "small_ops.h"

#define ONE_INLINE static inline __attribute__((always_inline))
#define ONE_OUTLINE static __attribute__((noinline))

// Whether conv_one_channel_* run the conv (else the im2col paths of conv_patches.h).
static inline int one_channel(int C, int CO) { return C == 1 && CO % 4 == 0; }

// The window's top-left corner of output pixel (t, oh, ow) (maybe outside the input).
static inline const float *corner(const float *in, int t, int oh, int ow, int H, int W,
                                  Window g) {
  return in + (long)t * H * W + (long)(oh * g.sh - g.ph) * W + ow * g.sw - g.pw;
}
