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

static void pool_forward(const float *in, float *out, unsigned *idx, const pool_geom *g,
                         int avg, int s0, int s1) {
  int C = g->C;
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
  for (long j = s0 * plane; j < s1 * plane; j++) din[j] = 0.f;
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
