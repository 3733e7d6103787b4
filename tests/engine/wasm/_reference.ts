/**
 * Test helpers: a tfjs `cpu` reference for the CPU engine (same weights, same batch), and
 * the relative-error measure the kernel tests use.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { getArchitecture } from "../../../lib/models/architectures.ts";
import { buildModel } from "../../../lib/models/build_model.ts";
import { sparseCrossEntropy } from "../../../lib/models/loss.ts";
import { mulberry32 } from "../../../lib/random.ts";
import type { CpuEngine } from "../../../lib/engine/wasm/cpu_engine.ts";

/** The architecture with every dropout rate set to 0 (both sides then compute the same thing). */
export function withoutDropout(name: string): Architecture {
  const arch = getArchitecture(name);
  return {
    ...arch,
    layers: arch.layers.map((l) => (l.type === "dropout" ? { ...l, rate: 0 } : l)),
  };
}

/** max |a − b| / max |b| (a NaN anywhere gives NaN, which fails every `≤` check). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Seeded random MNIST-like bytes and labels. */
export function randomBatch(count: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const random = mulberry32(seed);
  const images = Uint8Array.from({ length: count * 784 }, () => (random() < 0.7 ? 0 : 255 * random()));
  const labels = Uint8Array.from({ length: count }, () => Math.floor(random() * 10));
  return { images, labels };
}

/** A tfjs model of `arch` (weights from `seed`) and its packed weights in plan order. */
export function referenceModel(arch: Architecture, seed: number): {
  model: tf.LayersModel;
  packed: Float32Array;
} {
  const model = buildModel(arch, { seed });
  const parts = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const packed = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    packed.set(p, at);
    at += p.length;
  }
  return { model, packed };
}

/** Loss and packed gradient of one batch on the tfjs side. */
export function referenceGradient(
  model: tf.LayersModel,
  images: Uint8Array,
  labels: Uint8Array,
): { loss: number; gradient: Float32Array } {
  return tf.tidy(() => {
    const n = labels.length;
    const x = tf.tensor4d(Float32Array.from(images, (v) => v / 255), [n, 28, 28, 1]);
    const y = tf.tensor1d(Int32Array.from(labels), "int32");
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
      vars,
    );
    const parts = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
    const gradient = new Float32Array(parts.reduce((k, p) => k + p.length, 0));
    let at = 0;
    for (const p of parts) {
      gradient.set(p, at);
      at += p.length;
    }
    return { loss: value.dataSync()[0]!, gradient };
  });
}

/** Copies a batch into the engine's dataset with the identity order. */
export function loadBatch(engine: CpuEngine, images: Uint8Array, labels: Uint8Array): void {
  engine.images.set(images);
  engine.labels.set(labels);
  for (let i = 0; i < labels.length; i++) engine.order[i] = i;
}
