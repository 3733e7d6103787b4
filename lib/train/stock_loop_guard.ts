/**
 * Refuses the tfjs path on a software WebGPU adapter (llvmpipe, lavapipe) where tfjs' own
 * `Conv2DBackpropFilter` would outrun llvmpipe's loop budget. That kernel gives each thread
 * one filter element and loops over batch × output rows × output columns; llvmpipe silently
 * ends an invocation after 65,535 loop passes (`lib/engine/webgpu/_loop_limit.ts`), so past
 * it the filter gradient is partial and training goes on with wrong weights: a 3×3 conv on
 * 28×28 images (26×26 out) matched `cpu` to 5e-4 at batch 64 and was off by 23–214× in
 * relative error at batch 96, 128 and 256 (lavapipe, 2026-12-05). The compiled engine sizes
 * its own kernels to the budget; this guards only the stock path.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "../errors.ts";
import { LLVMPIPE_LOOP_LIMIT, nestPasses } from "../engine/webgpu/_loop_limit.ts";
import { isSoftwareAdapter } from "../engine/webgpu/_adapter_tuning.ts";

/**
 * Throws when the tfjs path would train `model` at `batch` on a software adapter with a
 * filter gradient past llvmpipe's loop budget; does nothing on a GPU.
 *
 * @param model The model the tfjs path trains.
 * @param batch Its batch size.
 * @param backend The active tfjs `webgpu` backend (`tf.backend()`).
 * @throws {BackendUnavailableError} naming the layer and the largest batch that fits.
 * @example
 * ```ts
 * import { refuseStockLoops } from "./stock_loop_guard.ts";
 * import { buildModel } from "../models/build_model.ts";
 * const llvmpipe = { device: { adapterInfo: { description: "llvmpipe (LLVM 15.0.6, 256 bits)" } } };
 * refuseStockLoops(buildModel("cnn-deep"), 64, llvmpipe); // fits: no error
 * ```
 */
export function refuseStockLoops(
  model: tf.LayersModel,
  batch: number,
  backend: unknown,
): void {
  const info = (backend as { device?: GPUDevice }).device?.adapterInfo;
  if (!isSoftwareAdapter(info)) return;
  for (const layer of model.layers) {
    if (layer.getClassName() !== "Conv2D") continue;
    const [, h, w] = layer.outputShape as number[];
    if (nestPasses([batch, h!, w!]) <= LLVMPIPE_LOOP_LIMIT) continue;
    let fits = batch;
    while (fits > 1 && nestPasses([fits, h!, w!]) > LLVMPIPE_LOOP_LIMIT) fits--;
    throw new BackendUnavailableError(
      `The tfjs path cannot train ${layer.name} at batch ${batch} on a software WebGPU ` +
        `adapter: tfjs' filter gradient would loop past llvmpipe's ${LLVMPIPE_LOOP_LIMIT} ` +
        `iterations and give wrong weights (use --backend wasm, or a batch of at most ${fits})`,
    );
  }
}
