/**
 * Test helpers: the tfjs `cpu` reference gradient of one batch (same weights, same batch)
 * and feeding a batch to the CPU engine.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { sparseCrossEntropy } from "../../../lib/models/loss.ts";
import type { MnistSplit } from "../../../lib/data/types.ts";
import type { CpuEngine } from "../../../lib/engine/wasm/cpu_engine.ts";

function pack(parts: Float32Array[]): Float32Array {
  const packed = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    packed.set(p, at);
    at += p.length;
  }
  return packed;
}

/** A tfjs model of `arch` (weights from `seed`) and its packed weights in plan order. */
export function referenceModel(arch: Architecture, seed: number): {
  model: tf.LayersModel;
  packed: Float32Array;
} {
  const model = buildModel(arch, { seed });
  return {
    model,
    packed: pack(model.trainableWeights.map((w) => w.read().dataSync() as Float32Array)),
  };
}

/** Mean loss and packed gradient of one batch on the active tfjs backend. */
export function referenceGradient(
  model: tf.LayersModel,
  split: MnistSplit,
): { loss: number; gradient: Float32Array } {
  return tf.tidy(() => {
    const n = split.count;
    const x = tf.tensor4d(Float32Array.from(split.images, (v) => v / 255), [n, 28, 28, 1]);
    const y = tf.tensor1d(Int32Array.from(split.labels), "int32");
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
      vars,
    );
    const parts = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
    return { loss: value.dataSync()[0]!, gradient: pack(parts) };
  });
}

/** Copies a split into the engine's dataset with the identity order. */
export function loadSplit(engine: CpuEngine, split: MnistSplit): void {
  engine.images.set(split.images);
  engine.labels.set(split.labels);
  for (let i = 0; i < split.count; i++) engine.order[i] = i;
}
