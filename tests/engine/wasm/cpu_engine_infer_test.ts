import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import { loadSplit, referenceModel } from "./_reference.ts";
import { createCpuEngine } from "../../../lib/engine/wasm/cpu_engine.ts";
import { getArchitecture } from "../../../lib/models/architectures.ts";

const ADAM = { kind: "adam", learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** Copies packed parameters into a tfjs model's trainable weights (plan order). */
function writeWeights(model: tf.LayersModel, packed: Float32Array): void {
  let at = 0;
  for (const w of model.trainableWeights) {
    const n = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    w.write(tf.tensor(packed.slice(at, at + n), w.shape as number[]));
    at += n;
  }
}

// Both have a dropout layer, which training applies and inference must not.
for (const name of ["cnn-basic", "mlp"]) {
  Deno.test(`cpu engine: infer after 3 training steps equals tfjs predict (${name})`, async () => {
    await useCpu();
    const arch = getArchitecture(name);
    const engine = await createCpuEngine({
      arch,
      batchSize: 8,
      samples: 24,
      threads: 2,
      optimizer: ADAM,
    });
    const { model, packed } = referenceModel(arch, 3);
    try {
      engine.params.set(packed);
      loadSplit(engine, syntheticSplit(24, 7));
      for (let s = 0; s < 3; s++) engine.step(8, s * 8, [s + 1]);
      const trained = engine.params.slice();
      const gradient = engine.gradient.slice();
      const test = syntheticSplit(11, 9); // a full batch of 8 and a tail of 3
      const probs = engine.infer(test.images, 11);
      assert.deepEqual(engine.params, trained, "infer changed the parameters");
      assert.deepEqual(engine.gradient, gradient, "infer changed the last gradient");
      writeWeights(model, trained);
      const x = tf.tensor4d(Float32Array.from(test.images, (v) => v / 255), [11, 28, 28, 1]);
      const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      x.dispose();
      assert.equal(probs.length, 11 * 10);
      const worst = probs.reduce((m, p, i) => Math.max(m, Math.abs(p - expected[i]!)), 0);
      assert.ok(worst <= 1e-4, `${name}: largest difference ${worst}`);
      assert.ok(!trained.every((v, i) => v === packed[i]), "the steps trained nothing");
    } finally {
      engine.dispose();
      model.dispose();
    }
  });
}

Deno.test("cpu engine: infer refuses fewer image bytes than the count needs", async () => {
  const engine = await createCpuEngine({
    arch: "mlp",
    batchSize: 4,
    samples: 4,
    threads: 1,
    optimizer: ADAM,
  });
  try {
    assert.throws(() => engine.infer(new Uint8Array(784), 2), /2 images need 1568 bytes, got 784/);
    assert.equal(engine.infer(new Uint8Array(0), 0).length, 0);
  } finally {
    engine.dispose();
  }
});

/**
 * 30 rounds of an inference call then a step on 3 threads, in a child process (a deadlocked
 * barrier blocks its main thread for good); prints a hash of the parameters after.
 */
const ALTERNATE = `
  import { createCpuEngine } from "${
  new URL("../../../lib/engine/wasm/cpu_engine.ts", import.meta.url).href
}";
  const engine = await createCpuEngine({ arch: "mlp", batchSize: 8, samples: 16, threads: 3,
    optimizer: { kind: "adam", learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });
  for (let i = 0; i < engine.params.length; i++) engine.params[i] = Math.sin(i) * 0.05;
  for (let i = 0; i < engine.images.length; i++) engine.images[i] = (i * 37) % 256;
  for (let i = 0; i < 16; i++) [engine.labels[i], engine.order[i]] = [i % 10, i];
  for (let round = 0; round < 30; round++) {
    engine.infer(engine.images.subarray(0, 3 * 784), 3);
    engine.step(8, (round % 2) * 8, [round]);
  }
  let hash = 0;
  for (const b of new Uint8Array(engine.params.buffer, engine.params.byteOffset, engine.params.byteLength)) {
    hash = Math.imul(hash ^ b, 16777619) >>> 0;
  }
  engine.dispose();
  console.log(hash);`;

async function alternate(file: string): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", file],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.ok(success, `the child failed or hung: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout).trim();
}

// A worker that read the control block after the call's last barrier once saw the training
// program restored and ran on into the optimizer phase alone, unbalancing the next barrier
// (a deadlock, or a step cut short).
Deno.test("cpu engine: inference calls and steps alternate on 3 threads reproducibly", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, ALTERNATE);
    const [a, b] = [await alternate(file), await alternate(file)];
    assert.match(a, /^\d+$/);
    assert.equal(a, b);
  } finally {
    await Deno.remove(file);
  }
});
