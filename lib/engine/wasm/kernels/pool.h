// Pooling of any window, strides and padding (max or average), for the layers that are not
// the 2×2 stride-2 max-pool step.c's OP_POOL takes (that one is SIMD over four channels and
// fuses the conv's activation′ into its gradient). Keras semantics, as lib/engine/plan.ts
// documents: a max ignores padded cells (first maximum wins, a NaN replaces it); an average
// divides by the window's valid cells. Samples [s0, s1) of the batch; NHWC, flat indices.
// Channels are the inner loop, so clang vectorises each window cell across them.

typedef struct {
  int H, W, C, OH, OW, PH, PW, SH, SW, PT, PL;
} pool_geom;

// The window of output (oh, ow), clipped to the input: rows [*h0, *h1), columns [*w0, *w1).
static inline void pool_clip(const pool_geom *g, int oh, int ow, int *h0, int *h1, int *w0,
                             int *w1) {
  int ih = oh * g->SH - g->PT, iw = ow * g->SW - g->PL;
  *h0 = ih < 0 ? 0 : ih;
  *h1 = ih + g->PH > g->H ? g->H : ih + g->PH;
  *w0 = iw < 0 ? 0 : iw;
  *w1 = iw + g->PW > g->W ? g->W : iw + g->PW;
}

// x / cells, as a product when cells is a power of two (then x · (1 / cells) is the same
// float: LeNet-5's 2×2 windows), which spares a vector division per 4 channels.
static inline v128_t div_cells(v128_t x, int cells) {
  if ((cells & (cells - 1)) == 0) return wasm_f32x4_mul(x, wasm_f32x4_splat(1.f / (float)cells));
  return wasm_f32x4_div(x, wasm_f32x4_splat((float)cells));
}

// An average window over C ≥ 4 channels, 4 at a time (the last 4 overlap the previous ones
// when C is not a multiple of 4: LeNet-5's 6), summed in the same cell order as the scalar
// form and divided the same way, so the result is the same.
static void avg_window(const float *in, float *out, const pool_geom *g, int s, int oh,
                       int ow) {
  int h0, h1, w0, w1, C = g->C;
  pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
  int cells = (h1 - h0) * (w1 - w0);
  float *o = out + (((long)s * g->OH + oh) * g->OW + ow) * C;
  for (int c = 0; c < C; c += 4) {
    if (c > C - 4) c = C - 4;
    const float *i = in + (((long)s * g->H + h0) * g->W + w0) * C + c;
    v128_t sum = LD(i);
    for (int ih = h0; ih < h1; ih++)
      for (int iw = ih == h0 ? w0 + 1 : w0; iw < w1; iw++)
        sum = wasm_f32x4_add(sum, LD(i + ((long)(ih - h0) * g->W + iw - w0) * C));
    ST(o + c, div_cells(sum, cells));
  }
}

static void pool_forward(const float *in, float *out, unsigned *idx, const pool_geom *g,
                         int avg, int s0, int s1) {
  int C = g->C;
  if (avg && C >= 4) {
    for (int s = s0; s < s1; s++)
      for (int oh = 0; oh < g->OH; oh++)
        for (int ow = 0; ow < g->OW; ow++) avg_window(in, out, g, s, oh, ow);
    return;
  }
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < g->OH; oh++)
      for (int ow = 0; ow < g->OW; ow++) {
        int h0, h1, w0, w1;
        pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
        long o = (((long)s * g->OH + oh) * g->OW + ow) * C;
        int first = 1;
        for (int ih = h0; ih < h1; ih++)
          for (int iw = w0; iw < w1; iw++) {
            long i = (((long)s * g->H + ih) * g->W + iw) * C;
            if (first) {
              for (int c = 0; c < C; c++) out[o + c] = in[i + c];
              if (!avg)
                for (int c = 0; c < C; c++) idx[o + c] = (unsigned)(i + c);
            } else if (avg) {
              for (int c = 0; c < C; c++) out[o + c] += in[i + c];
            } else {
              for (int c = 0; c < C; c++) {
                float v = in[i + c];
                int take = v > out[o + c] || v != v;
                out[o + c] = take ? v : out[o + c];
                idx[o + c] = take ? (unsigned)(i + c) : idx[o + c];
              }
            }
            first = 0;
          }
        if (avg) {
          float cells = (float)((h1 - h0) * (w1 - w0));
          for (int c = 0; c < C; c++) out[o + c] /= cells;
        }
      }
}

// The input gradient: zeroed, then each window's gradient added to its maximum (max) or
// spread over its valid cells (average); overlapping windows add up.
static void pool_backward(const float *dout, float *din, const unsigned *idx,
                          const pool_geom *g, int avg, int s0, int s1) {
  int C = g->C;
  long plane = (long)g->H * g->W * C;
  // Windows that tile the input exactly (LeNet-5's 2×2 pools) write every cell below.
  int tiled = avg && C >= 4 && g->SH == g->PH && g->SW == g->PW && g->PT == 0 && g->PL == 0 &&
              g->OH * g->SH == g->H && g->OW * g->SW == g->W;
  for (long j = s0 * plane; j < s1 * plane && !tiled; j++) din[j] = 0.f;
  if (avg && C >= 4 && g->SH >= g->PH && g->SW >= g->PW) {
    // Windows that do not overlap: each input cell gets one window's share (0 + share), so
    // it is stored, 4 channels at a time (the last 4 overlapping: plain stores repeat).
    for (int s = s0; s < s1; s++)
      for (int oh = 0; oh < g->OH; oh++)
        for (int ow = 0; ow < g->OW; ow++) {
          int h0, h1, w0, w1;
          pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
          int cells = (h1 - h0) * (w1 - w0);
          const float *d = dout + (((long)s * g->OH + oh) * g->OW + ow) * C;
          for (int c = 0; c < C; c += 4) {
            if (c > C - 4) c = C - 4;
            v128_t share = div_cells(LD(d + c), cells);
            for (int ih = h0; ih < h1; ih++)
              for (int iw = w0; iw < w1; iw++)
                ST(din + (((long)s * g->H + ih) * g->W + iw) * C + c, share);
          }
        }
    return;
  }
  for (int s = s0; s < s1; s++)
    for (int oh = 0; oh < g->OH; oh++)
      for (int ow = 0; ow < g->OW; ow++) {
        long o = (((long)s * g->OH + oh) * g->OW + ow) * C;
        if (!avg) {
          for (int c = 0; c < C; c++) din[idx[o + c]] += dout[o + c];
          continue;
        }
        int h0, h1, w0, w1;
        pool_clip(g, oh, ow, &h0, &h1, &w0, &w1);
        float cells = (float)((h1 - h0) * (w1 - w0));
        for (int ih = h0; ih < h1; ih++)
          for (int iw = w0; iw < w1; iw++) {
            long i = (((long)s * g->H + ih) * g->W + iw) * C;
            for (int c = 0; c < C; c++) din[i + c] += dout[o + c] / cells;
          }
      }
}
