// A conv's input gradient without the patch gradient: for windows that never leave the
// input (no padding), dX += dZ·Wᵀ goes straight from registers into dX, a 4-pixel × 8-float
// block at a time, instead of writing dP (m × kdim floats) and adding it back (col2im).
// LeNet-5's conv2 (6 → 16 channels, 5×5, 10×10 outputs): 0.45 ms of dP product and 0.19 ms
// of col2im a step on one thread became ~0.35 ms together (issue 17).
#pragma once
#include "gemm.h"
#include "small_ops.h"

// Whether every window lies inside the input (no padding on any side: `same` at stride 2 may
// pad only after the last row or column).
static inline int inside(Window g, int H, int W, int OH, int OW) {
  return g.ph == 0 && g.pw == 0 && (OH - 1) * g.sh + g.kh <= H && (OW - 1) * g.sw + g.kw <= W;
}

// Floats of wtp_build's padded Wᵀ: CO rows of kh kernel rows of row_pad(kw·C) floats.
static inline int row_pad(int row) { return (row + 7) & ~7; }
static inline long wtp_floats(Window g, int C, int CO) {
  return (long)CO * g.kh * row_pad(g.kw * C);
}

// Wᵀ [CO × (kh, kw·C padded to 8)], zeros in the padding, from W [(kh, kw, c) × CO].
static void wtp_build(const float *w, Window g, int C, int CO, float *wtp) {
  int row = g.kw * C, rp = row_pad(row);
  for (int co = 0; co < CO; co++)
    for (int kh = 0; kh < g.kh; kh++) {
      float *o = wtp + ((long)co * g.kh + kh) * rp;
      for (int r = 0; r < rp; r++) o[r] = r < row ? w[((long)kh * row + r) * CO + co] : 0.f;
    }
}

// dX[t] += Σ_co dZ[t, oh, ow, co] · W[kh, kw, c, co] at input pixel (oh·sh + kh, ow·sw + kw)
// for the m = cs·OH·OW output pixels of the chunk (dX zeroed by the caller). Pixels go 4 at a
// time down the output columns: 4 neighbours along a row write runs that overlap at other
// offsets, and loading what the previous store just wrote in part stalls (store forwarding).
// For one kernel row a patch row is a contiguous run of kw·C input floats.
static void conv_input_grad(const float *dz, int m, int CO, const float *wtp, float *dx,
                            int H, int W, int C, Window g, int OH, int OW) {
  int row = g.kw * C, rp = row_pad(row), m1 = OH * OW, ld = g.kh * rp;
  for (int i = 0; i < m; i += 4) {
    int rows = m - i < 4 ? m - i : 4;
    const float *z[4];
    float *x[4];
    for (int r = 0; r < 4; r++) {
      int p = i + (r < rows ? r : 0), t = p / m1, oh = p % m1 % OH, ow = p % m1 / OH;
      z[r] = dz + ((long)t * m1 + oh * OW + ow) * CO;
      x[r] = dx + (long)t * H * W * C + ((long)oh * g.sh * W + (long)ow * g.sw) * C;
    }
    for (int kh = 0; kh < g.kh; kh++)
      for (int j = 0; j < rp; j += 8) {
        v128_t s[4][2];
        for (int r = 0; r < 4; r++) s[r][0] = s[r][1] = wasm_f32x4_splat(0.f);
        const float *b = wtp + (long)kh * rp + j;
        for (int k = 0; k < CO; k++, b += ld) {
          v128_t b0 = LD(b), b1 = LD(b + 4);
          for (int r = 0; r < 4; r++) {
            v128_t a = SPLAT(z[r] + k);
            s[r][0] = MADD(a, b0, s[r][0]);
            s[r][1] = MADD(a, b1, s[r][1]);
          }
        }
        int valid = row - j < 8 ? row - j : 8;
        for (int r = 0; r < rows; r++) {
          float *o = x[r] + (long)kh * W * C + j;
          if (valid == 8) {
            ST(o, wasm_f32x4_add(LD(o), s[r][0]));
            ST(o + 4, wasm_f32x4_add(LD(o + 4), s[r][1]));
            continue;
          }
          float t[8];
          ST(t, s[r][0]), ST(t + 4, s[r][1]);
          for (int q = 0; q < valid; q++) o[q] += t[q];
        }
      }
  }
}
