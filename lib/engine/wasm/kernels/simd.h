// The vector macros of the kernels over wasm SIMD (relaxed FMA and lane select when RELAXED
// is set), and hsum, the horizontal sum of a vector's lanes.
#pragma once
#include <wasm_simd128.h>

// SELECT(a, b, m): a where m's lanes are all ones, b where all zeros (m from a comparison,
// where laneselect and bitselect agree): one blend on x64 against and/andnot/or.
#ifdef RELAXED
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((a), (b), (c))
#define SELECT(a, b, m) wasm_i32x4_relaxed_laneselect((a), (b), (m))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#define SELECT(a, b, m) wasm_v128_bitselect((a), (b), (m))
#endif

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define SPLAT(p) wasm_v128_load32_splat(p)

static inline float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}
