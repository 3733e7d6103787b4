import assert from "node:assert/strict";
import { ARCHITECTURES } from "../../lib/models/architectures.ts";
import { engineSupports, planTraining, storageLayer } from "../../lib/engine/plan.ts";
import type { Architecture } from "../../lib/models/architecture.ts";

Deno.test("plan: the packed layout covers every parameter of the four architectures", () => {
  for (const arch of Object.values(ARCHITECTURES)) {
    const plan = planTraining(arch, 7);
    assert.equal(plan.paramCount, arch.expectedParams, arch.name);
    let offset = 0;
    for (const p of plan.params) {
      assert.equal(p.offset, offset, `${arch.name} ${p.name} is contiguous`);
      offset += p.length;
    }
    assert.equal(plan.classes, 10);
    assert.deepEqual(engineSupports(arch), { ok: true });
  }
});

Deno.test("plan: cnn-deep shapes and buffer sizes follow Keras' valid conv and floor pool", () => {
  const plan = planTraining("cnn-deep", 64);
  assert.deepEqual(plan.layers.map((l) => l.output.h), [26, 13, 11, 5, 3, 1, 1, 1]);
  assert.deepEqual(plan.params[2]!.shape, [3, 3, 32, 64]);
  const act0 = plan.buffers.find((b) => b.name === "act:0")!;
  assert.equal(act0.elements, 64 * 26 * 26 * 32);
  assert.equal(plan.buffers.find((b) => b.name === "poolIndex:3")!.elements, 64 * 5 * 5 * 64);
  // Nothing backpropagates into the images: the first conv needs no input gradient.
  assert.equal(plan.layers[0]!.backpropInput, false);
  assert.equal(storageLayer(plan, 5), 4);
});

Deno.test("plan: same padding keeps the size and pads (k - 1) / 2 before", () => {
  const layer = planTraining("cnn-basic", 1).layers[0]!;
  assert.equal(layer.kind, "conv2d");
  if (layer.kind === "conv2d") assert.equal(layer.pad, 1);
  assert.equal(layer.output.h, 28);
});

Deno.test("plan: layers outside the vocabulary are refused with a reason", () => {
  const base = ARCHITECTURES["mlp"]!;
  const odd: Architecture = {
    ...base,
    layers: [{ type: "activation", activation: "softmax" }, ...base.layers],
  };
  const verdict = engineSupports(odd);
  assert.equal(verdict.ok, false);
  if (!verdict.ok) {
    assert.match(verdict.reason, /layer 0 \(activation\): "activation" is "softmax"/);
  }
  const tooBig: Architecture = {
    ...base,
    layers: [{ type: "maxPool", poolSize: 29 }, ...base.layers],
  };
  const big = engineSupports(tooBig);
  assert.equal(big.ok, false);
  if (!big.ok) assert.match(big.reason, /layer 0 \(maxPool\): input smaller than the pool/);
  const noSoftmax: Architecture = { ...base, layers: base.layers.slice(0, 2) };
  assert.equal(engineSupports(noSoftmax).ok, false);
  assert.throws(() => planTraining("mlp", 0), RangeError);
});

Deno.test("plan: a pool's window, strides and padding resolve as Keras' (same: ⌈in / stride⌉, the odd pad after)", () => {
  const base = ARCHITECTURES["mlp"]!;
  const pooled = (layer: Architecture["layers"][number]) => {
    const l = planTraining({ ...base, layers: [layer, ...base.layers] }, 1).layers[0]!;
    assert.ok(l.kind === "maxPool" || l.kind === "avgPool");
    return [l.output.h, l.output.w, l.pool, l.strides, l.pad];
  };
  assert.deepEqual(pooled({ type: "maxPool", poolSize: 2 }), [14, 14, [2, 2], [2, 2], [0, 0]]);
  assert.deepEqual(
    pooled({ type: "maxPool", poolSize: 3, strides: 2, padding: "same" }),
    [14, 14, [3, 3], [2, 2], [0, 0]],
  );
  assert.deepEqual(
    pooled({ type: "avgPool", poolSize: [3, 4], strides: 1, padding: "same" }),
    [28, 28, [3, 4], [1, 1], [1, 1]],
  );
  assert.deepEqual(
    pooled({ type: "avgPool", poolSize: [3, 2], strides: [2, 3] }),
    [13, 9, [3, 2], [2, 3], [0, 0]],
  );
});
