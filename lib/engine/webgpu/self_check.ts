/**
 * The compiled engine's parity check on this adapter: three steps (one a tail batch) of a
 * tiny model that uses every layer kind of the vocabulary, run once by the engine and once
 * by the tfjs path on the active backend from the same weights and sample order; the
 * weights must agree within 1e-3 relative (looser than the CI's 1e-4 against tfjs' cpu
 * backend, because GPUs differ in their exp/log/sqrt rounding).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../models/architecture.ts";
import { mulberry32 } from "../../random.ts";
import type { MnistSplit } from "../../data/types.ts";
import { engineParity } from "./engine_parity.ts";

/** Largest relative difference the check accepts. */
export const SELF_CHECK_TOLERANCE = 1e-3;

const TINY: Architecture = {
  name: "engine-self-check",
  description: "every layer kind of the compiled engine, tiny",
  seeds: [],
  layers: [
    { type: "conv2d", filters: 4, kernelSize: 3, padding: "same" },
    { type: "maxPool", poolSize: 2 },
    { type: "conv2d", filters: 4, kernelSize: 3 },
    { type: "dropout", rate: 0 },
    { type: "flatten" },
    { type: "dense", units: 8, activation: "relu" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "adam", learningRate: 0.01, batchSize: 4, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

function tinySplit(count: number): MnistSplit {
  const random = mulberry32(3);
  const images = new Uint8Array(count * 784).map(() => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count };
}

/** The check's outcome: the worst relative difference, and why it failed if it did. */
export interface SelfCheckResult {
  ok: boolean;
  maxRelativeError: number;
  reason?: string;
}

/**
 * Runs the parity check (about 0.5 s on llvmpipe) with RMSprop and Adam.
 *
 * @param device The engine's device (the default is tfjs' own on `webgpu`).
 * @returns Whether the engine matched the tfjs path, and by how much.
 * @example
 * ```ts ignore
 * const { ok, maxRelativeError } = await runSelfCheck();
 * ```
 */
export async function runSelfCheck(device?: GPUDevice): Promise<SelfCheckResult> {
  // The reference runs on the active backend; with none chosen yet (`deno task devices`),
  // on cpu rather than on whichever registered backend tfjs would start by priority.
  if (!(tf.engine() as unknown as { backendName: string | null }).backendName) {
    await tf.setBackend("cpu");
  }
  let worst = 0;
  for (const optimizer of ["rmsprop", "adam"] as const) {
    const parity = await engineParity({
      arch: TINY,
      batchSize: 4,
      train: tinySplit(10),
      optimizer,
      device,
    });
    const e = parity.maxRelativeError;
    if (!(e <= SELF_CHECK_TOLERANCE)) {
      return {
        ok: false,
        maxRelativeError: e,
        reason:
          `the engine's ${optimizer} steps differ from the tfjs path by ${e} (relative, ${parity.worst})`,
      };
    }
    worst = Math.max(worst, e);
  }
  return { ok: true, maxRelativeError: worst };
}
