import assert from "node:assert/strict";
import { compareWithCpu, randomInput, setupWasm, TOLERANCE } from "./_compare.ts";

await setupWasm();

Deno.test("_FusedMatMul on wasm matches cpu (bias, activations, flipped orientation)", async (t) => {
  const cases: [string, number[], number[], string, boolean][] = [
    // Rank 3, as tf.fused.matMul hands its operands to the kernel.
    [
      "mlp layer 1: small batch, big kernel (flipped), relu",
      [1, 32, 784],
      [1, 784, 128],
      "relu",
      true,
    ],
    ["mlp layer 2 (stock), linear", [1, 32, 128], [1, 128, 10], "linear", true],
    ["flipped, no bias, elu", [1, 4, 96], [1, 96, 64], "elu", false],
    ["flipped, leakyrelu", [1, 4, 96], [1, 96, 64], "leakyrelu", true],
    ["flipped, sigmoid", [1, 2, 40], [1, 40, 30], "sigmoid", true],
  ];
  for (const [i, [name, a, b, activation, withBias]] of cases.entries()) {
    await t.step(name, async () => {
      const n = b[2]!;
      const { error, wasmShape, cpuShape } = await compareWithCpu(
        "_FusedMatMul",
        {
          a: randomInput(a, 100 + i),
          b: randomInput(b, 110 + i),
          ...(withBias ? { bias: randomInput([n], 120 + i) } : {}),
        },
        { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.1 },
      );
      assert.deepEqual(wasmShape, cpuShape);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
});
