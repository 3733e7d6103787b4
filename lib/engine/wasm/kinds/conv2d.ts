/**
 * The conv2d kind (`kernels/conv2d.h`): im2col + GEMM, or Winograd F(2×2, 3×3) where
 * {@linkcode usesWinograd} says so, with the bias and activation fused into the forward and
 * the activation′ into the backward (or into a following 2×2 max-pool's, see `pool.ts`).
 *
 * @module
 */
import { isPlainConv, isPool2x2, type PlanLayer } from "../../plan.ts";
import { ACTIVATION_CODE, OP } from "../_layout.ts";
import type { LayerIO, LayerKind, LayerOps, ScratchNeed } from "./_kind.ts";

type Conv = Extract<PlanLayer, { kind: "conv2d" }>;

/** Floats of im2col patches a conv builds at once (`CHUNK_FLOATS` in kernels/conv2d.h). */
export const CHUNK_FLOATS = 72_000;

/** Whether a conv's shape suits Winograd F(2×2, 3×3): 3×3 stride 1, ≥ 16 channels in and out. */
function winogradShape(l: Conv): boolean {
  const { input, output } = l;
  return isPlainConv(l) && l.kernelSize === 3 && input.c % 4 === 0 && output.c % 4 === 0 &&
    input.c >= 16 && output.c >= 16;
}

/**
 * Whether a conv runs as Winograd F(2×2, 3×3) (forward and input gradient): 3×3 kernels on
 * enough channels and pixels that 16 channel-GEMMs per 2×2 tile beat im2col (cnn-deep conv2:
 * 32 → 64 channels, 11×11 output). Forward, input gradient and filter gradient all use it.
 */
export function usesWinograd(l: Conv): boolean {
  return winogradShape(l) && l.output.h * l.output.w >= 64;
}

/**
 * Whether a conv's forward runs as Winograd: as {@linkcode usesWinograd}, and also from 16
 * output pixels, where the forward and the filter gradient run by groups of samples and the
 * input gradient stays direct (`kernels/winograd_small.h`). The BatchNormalization example's
 * conv2 (6×6×16 → 4×4×32, sigmoid), CPU ms of a batch-32 step on one thread, 2026-12-05:
 * forward 0.153 → 0.117, backward 0.289 → 0.226 (0.336 with Winograd's input gradient too).
 */
export function usesWinogradForward(l: Conv): boolean {
  return winogradShape(l) && l.output.h * l.output.w >= 16;
}

/** Samples per product of a small conv's Winograd forward and filter gradient (`WINO_GROUP`). */
export const WINO_GROUP = 14;

/** Whether a layer is the 2×2 stride-2 max-pool of OP_POOL (the rest run as OP_GPOOL). */
export const isFastPool = (l: PlanLayer | undefined): boolean =>
  l?.kind === "maxPool" && isPool2x2(l);

function scratch(l: Conv): ScratchNeed {
  // Shared: im2col patches, their gradient and the transposed kernel.
  const taps = l.window[0] * l.window[1];
  const patch = l.output.h * l.output.w * taps * l.input.c;
  const shared = 2 * Math.max(patch, CHUNK_FLOATS) + taps * l.input.c * l.output.c;
  if (!usesWinogradForward(l)) return { shared, own: 0 };
  // Own: the two filter transforms (kept across a thread's chunks), the V / M planes and the
  // filter gradient's dU (see kernels/conv2d.h); a small conv's backward puts WINO_GROUP
  // samples' output tiles in V and M.
  const { c } = l.input, co = l.output.c;
  const tiles = Math.max(
    Math.ceil(l.input.h / 2) * Math.ceil(l.input.w / 2),
    usesWinograd(l) ? 0 : WINO_GROUP * Math.ceil(l.output.h / 2) * Math.ceil(l.output.w / 2),
  );
  return { shared, own: 3 * 16 * c * co + 2 * 16 * tiles * Math.max(c, co) };
}

function ops(l: Conv, io: LayerIO): LayerOps {
  const { h, w, c } = l.input;
  const shape = [l.kernel.offset, l.bias.offset, h, w, c, l.kernelSize, l.output.c, l.pad];
  const area = usesWinogradForward(l) ? io.area : 0;
  // Small outputs: Winograd by groups of samples, the input gradient direct (kernels/conv2d.h).
  const small = usesWinogradForward(l) && !usesWinograd(l) ? 1 : 0;
  const act = ACTIVATION_CODE[l.activation];
  // After the op's words: kernel columns, strides, left padding (kernels/conv2d.h).
  const window = [l.window[1], ...l.strides, l.pads[1]];
  const forward = [
    OP.CONV,
    io.inp,
    io.out,
    ...shape,
    l.output.h,
    l.output.w,
    area,
    act,
    ...window,
    small,
  ];
  // A following 2×2 max-pool's gradient applies this conv's activation′ (see pool.ts).
  const folded = isFastPool(io.plan.layers[l.index + 1]) && act !== 0 ? 1 : 0;
  const backward = [
    OP.CONV_BWD,
    io.inp,
    io.out,
    io.dOut,
    io.dIn,
    ...shape,
    l.output.h,
    l.output.w,
    area,
    folded,
    act,
    ...window,
    small,
  ];
  return { forward: [forward], backward: [backward], infer: [forward] };
}

/** The conv2d kind. */
export const conv2d: LayerKind<Conv> = { scratch, ops };
