// The input gradient of a conv whose windows never leave the input (conv_inside.h's `inside`)
// and whose kernel rows are kw·C ≥ 8 floats: from registers straight into dX, a 4-pixel ×
// 8-float block at a time, instead of writing dP (m × kdim floats) and adding it back
// (col2im), with W read as a padded Wᵀ (wtp_build). LeNet-5's conv2 backward, CPU ms of a
// batch-32 step on one thread (issue 17): 1.26 → 1.17 from this alone. Also tried for it
// (2026-12-05, CPU ms of its backward, 0.98): the window's sizes and CO as constants, no
// change; the sums started from dX (no adds after), 0.98 → 1.00.
#pragma once
#include "simd.h"
#include "small_ops.h"

// Floats of wtp_build's padded Wᵀ: CO rows of kh kernel rows of row_pad(kw·C) floats.
static inline int row_pad(int row) { return (row + 7) & ~7; }
static inline long wtp_floats(Window g, int C, int CO) {
  return (long)CO * g.kh * row_pad(g.kw * C);
}

// Where block b of 8 floats of a kernel row of `row` ≥ 8 lands: at 8·b, the last one moved
// back to end at the row's end (it overlaps the one before it, whose columns it holds as 0).
static inline int block_at(int b, int row) { return 8 * b < row - 8 ? 8 * b : row - 8; }

// t[j][i] = a[i][j] for i, j < 4: rows lda floats apart in a, ldt in t.
static inline void transpose_4x4(const float *a, long lda, float *t, long ldt) {
  v128_t r0 = LD(a), r1 = LD(a + lda), r2 = LD(a + 2 * lda), r3 = LD(a + 3 * lda);
  v128_t lo01 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), hi01 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  v128_t lo23 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), hi23 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  ST(t, wasm_i32x4_shuffle(lo01, lo23, 0, 1, 4, 5));
  ST(t + ldt, wasm_i32x4_shuffle(lo01, lo23, 2, 3, 6, 7));
  ST(t + 2 * ldt, wasm_i32x4_shuffle(hi01, hi23, 0, 1, 4, 5));
  ST(t + 3 * ldt, wasm_i32x4_shuffle(hi01, hi23, 2, 3, 6, 7));
}

// Wᵀ [CO × (kh, row_pad(kw·C))] from W [(kh, kw, c) × CO]: block b of a row holds the
// columns from block_at(b), 0 where an earlier block already has them. With CO a multiple
// of 4, by 4×4 transposes (a block's 8 columns are 8 rows of W), the overlap zeroed after:
// 2026-12-05, µs a batch chunk, the BatchNormalization example's conv2 (144 × 32, 11
// samples) 6.0 → 0.7, LeNet-5's conv2 (150 × 16) 3.3 → 0.5; cnn-deep's conv3 (576 × 64)
// gains with it, its backward 1.44 → 1.31 CPU ms a batch-64 step.
static void wtp_build(const float *w, Window g, int C, int CO, float *wtp) {
  int row = g.kw * C, rp = row_pad(row);
  long ld = (long)g.kh * rp;
  if (CO % 4 == 0) {
    for (int kh = 0; kh < g.kh; kh++)
      for (int b = 0; b < rp / 8; b++) {
        int col = block_at(b, row);
        float *o = wtp + (long)kh * rp + 8 * b;
        for (int q = 0; q < 8; q += 4)
          for (int co = 0; co < CO; co += 4)
            transpose_4x4(w + ((long)kh * row + col + q) * CO + co, CO, o + co * ld + q, ld);
        for (int q = 0; col + q < 8 * b; q++)
          for (int co = 0; co < CO; co++) o[co * ld + q] = 0.f;
      }
    return;
  }
  for (int co = 0; co < CO; co++)
    for (int kh = 0; kh < g.kh; kh++) {
      float *o = wtp + ((long)co * g.kh + kh) * rp;
      for (int r = 0; r < rp; r++) {
        int col = block_at(r / 8, row) + r % 8;
        o[r] = col >= r / 8 * 8 ? w[((long)kh * row + col) * CO + co] : 0.f;
      }
    }
}

// dX[t] += Σ_co dZ[t, oh, ow, co] · W[kh, kw, c, co] at input pixel (oh·sh + kh, ow·sw + kw)
// for the m = cs·OH·OW output pixels of the chunk (dX zeroed by the caller). Pixels go 4 at a
// time down the output columns: 4 neighbours along a row write runs that overlap at other
// offsets, and loading what the previous store just wrote in part stalls (store forwarding).
// For one kernel row a patch row is a contiguous run of kw·C ≥ 8 input floats, added to in
// whole 8-float blocks (the zero columns of the overlapping last one add exact zeros).
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
    // The last block first: the block before it overlaps it, and comes two blocks later.
    for (int kh = 0; kh < g.kh; kh++)
      for (int bi = 0, nb = rp / 8; bi < nb; bi++) {
        int j = 8 * (bi == 0 ? nb - 1 : bi - 1), jd = block_at(j / 8, row);
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
        for (int r = 0; r < rows; r++) {
          float *o = x[r] + (long)kh * W * C + jd;
          ST(o, wasm_f32x4_add(LD(o), s[r][0]));
          ST(o + 4, wasm_f32x4_add(LD(o + 4), s[r][1]));
        }
      }
  }
}
