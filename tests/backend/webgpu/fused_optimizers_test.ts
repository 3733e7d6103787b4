import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  createFusedOptimizer,
  type FusedOptimizerName,
} from "../../../lib/backend/webgpu/fused_optimizers.ts";
import {
  assertClose,
  HAS_WEBGPU,
  type HostTensor,
  randomHost,
  toTensor,
  useBackend,
} from "./_gpu_test_utils.ts";

// A conv kernel (vec4 path), a bias of 10 (scalar path) and a dense kernel.
const SHAPES = [[3, 3, 1, 8], [10], [6, 4]];
const STEPS = 3;
const LEARNING_RATE = 0.01;

let unique = 0;

interface Trained {
  /** value − initial value per variable: the updates alone, so the check is sharp. */
  deltas: HostTensor[];
  /** Optimizer slots from getWeights(), iterations excluded. */
  slots: HostTensor[];
}

async function download(t: tf.Tensor): Promise<HostTensor> {
  return { shape: t.shape, values: Float32Array.from(await t.data()) };
}

function stock(name: FusedOptimizerName): tf.Optimizer {
  return name === "adam"
    ? tf.train.adam(LEARNING_RATE, 0.9, 0.999, 1e-7)
    : tf.train.rmsprop(LEARNING_RATE, 0.9, 0, 1e-7);
}

/** Applies STEPS seeded gradient steps to seeded variables with `optimizer` on `backend`. */
async function train(
  backend: "cpu" | "webgpu",
  makeOptimizer: () => tf.Optimizer,
): Promise<Trained> {
  await useBackend(backend);
  const initial = SHAPES.map((s, i) => randomHost(s, i));
  const vars = initial.map((h) => tf.variable(toTensor(h), true, `fused_${++unique}`));
  const optimizer = makeOptimizer();
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() =>
      optimizer.applyGradients(vars.map((v, i) => ({
        name: v.name,
        tensor: toTensor(randomHost(v.shape, 100 * (step + 1) + i)),
      })))
    );
  }
  const deltas = (await Promise.all(vars.map(download))).map((v, i) => ({
    shape: v.shape,
    values: v.values.map((x, j) => x - initial[i]!.values[j]!),
  }));
  const weights = await optimizer.getWeights();
  const slots = await Promise.all(weights.slice(1).map((w) => download(w.tensor)));
  weights[0]!.tensor.dispose();
  optimizer.dispose();
  tf.dispose(vars);
  return { deltas, slots };
}

function assertSameTraining(actual: Trained, expected: Trained): void {
  assert.equal(actual.slots.length, expected.slots.length);
  actual.deltas.forEach((d, i) => assertClose(d, expected.deltas[i]!));
  actual.slots.forEach((s, i) => assertClose(s, expected.slots[i]!));
}

for (const name of ["rmsprop", "adam"] as const) {
  Deno.test({
    name: `createFusedOptimizer("${name}") matches tfjs' ${name} on cpu over ${STEPS} steps`,
    ignore: !HAS_WEBGPU,
    async fn() {
      const expected = await train("cpu", () => stock(name));
      const actual = await train("webgpu", () => createFusedOptimizer(name, LEARNING_RATE));
      assertSameTraining(actual, expected);
    },
  });

  Deno.test(`createFusedOptimizer("${name}") runs tfjs' own update on the cpu backend`, async () => {
    const expected = await train("cpu", () => stock(name));
    const actual = await train("cpu", () => createFusedOptimizer(name, LEARNING_RATE));
    assertSameTraining(actual, expected);
  });

  Deno.test({
    name: `createFusedOptimizer("${name}") leaves no tensors behind and refreshes read values`,
    ignore: !HAS_WEBGPU,
    async fn() {
      await useBackend("webgpu");
      const v = tf.variable(toTensor(randomHost([8], 1)), true, `fused_${++unique}`);
      const optimizer = createFusedOptimizer(name, LEARNING_RATE);
      const step = () =>
        tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.onesLike(v) }]));
      step();
      const before = tf.memory().numTensors;
      const first = Float32Array.from(await v.data()); // caches the values on the CPU
      step();
      step();
      assert.equal(tf.memory().numTensors, before);
      const third = await v.data();
      assert.ok(third[0]! < first[0]!, "a read after an in-place update saw stale values");
      optimizer.dispose();
      v.dispose();
    },
  });
}

Deno.test({
  name: "FusedRMSPropOptimizer never rewrites a buffer that another tensor shares",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const initial = tf.tensor([1, 2, 3, 4]);
    const v = tf.variable(tf.zeros([4]), true, `fused_${++unique}`);
    v.assign(initial); // v and `initial` now share one buffer
    const optimizer = createFusedOptimizer("rmsprop", LEARNING_RATE);
    tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.onesLike(v) }]));
    assert.deepEqual([...await initial.data()], [1, 2, 3, 4]);
    assert.ok((await v.data())[0]! < 1);
    optimizer.dispose();
    tf.dispose([v, initial]);
  },
});

Deno.test({
  name: "FusedAdamOptimizer continues from setWeights() like the optimizer it was saved from",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const init = randomHost([12], 3);
    const grads = [1, 2, 3, 4].map((s) => randomHost([12], s));
    const run = async (split: boolean) => {
      const v = tf.variable(toTensor(init), true, `fused_${++unique}`);
      let optimizer = createFusedOptimizer("adam", LEARNING_RATE);
      for (const [step, g] of grads.entries()) {
        if (split && step === 2) {
          const saved = await optimizer.getWeights();
          const copies = saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
          optimizer.dispose();
          optimizer = createFusedOptimizer("adam", LEARNING_RATE);
          await optimizer.setWeights(copies);
        }
        tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: toTensor(g) }]));
      }
      const result = await download(v);
      optimizer.dispose();
      v.dispose();
      return result;
    };
    assertClose(await run(true), await run(false));
  },
});
