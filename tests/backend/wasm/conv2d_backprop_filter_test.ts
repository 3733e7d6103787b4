import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareWithCpu, randomInput, setupWasm, TOLERANCE } from "./_compare.ts";

await setupWasm();

interface Case {
  name: string;
  x: number[];
  filter: [number, number, number, number];
  strides?: number;
  pad: "valid" | "same" | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat?: "NHWC" | "NCHW";
}

const CASES: Case[] = [
  {
    name: "1-channel 28×28, 3×3 valid, batch 4",
    x: [4, 28, 28, 1],
    filter: [3, 3, 1, 8],
    pad: "valid",
  },
  {
    name: "1-channel 28×28, 5×5 valid, batch 3",
    x: [3, 28, 28, 1],
    filter: [5, 5, 1, 8],
    pad: "valid",
  },
  {
    name: "1-channel 28×28, 3×3 same, batch 2",
    x: [2, 28, 28, 1],
    filter: [3, 3, 1, 8],
    pad: "same",
  },
  {
    name: "32→64 channels 7×7, 3×3 valid, batch 8",
    x: [8, 7, 7, 32],
    filter: [3, 3, 32, 64],
    pad: "valid",
  },
  {
    name: "32→64 channels 9×9, 3×3 same, batch 2",
    x: [2, 9, 9, 32],
    filter: [3, 3, 32, 64],
    pad: "same",
  },
  {
    name: "3→4 channels, stride 2 valid (unused last row)",
    x: [2, 10, 10, 3],
    filter: [3, 3, 3, 4],
    strides: 2,
    pad: "valid",
  },
  {
    name: "2→4 channels, stride 2 same",
    x: [2, 8, 8, 2],
    filter: [3, 3, 2, 4],
    strides: 2,
    pad: "same",
  },
  {
    name: "1-channel, stride 2 same",
    x: [2, 9, 9, 1],
    filter: [3, 3, 1, 4],
    strides: 2,
    pad: "same",
  },
  {
    name: "explicit padding",
    x: [2, 6, 6, 3],
    filter: [3, 3, 3, 5],
    pad: [[0, 0], [1, 0], [0, 2], [0, 0]],
  },
  { name: "NCHW", x: [2, 3, 7, 7], filter: [3, 3, 3, 4], pad: "valid", dataFormat: "NCHW" },
];

function dyShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    c.x as [number, number, number, number],
    c.filter,
    c.strides ?? 1,
    1,
    c.pad,
    undefined,
    false,
    c.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
  );
  return info.outShape;
}

Deno.test("Conv2DBackpropFilter on wasm matches cpu", async (t) => {
  for (const [i, c] of CASES.entries()) {
    await t.step(c.name, async () => {
      const { error, wasmShape } = await compareWithCpu(
        "Conv2DBackpropFilter",
        { x: randomInput(c.x, 10 + i), dy: randomInput(dyShape(c), 20 + i) },
        {
          strides: c.strides ?? 1,
          pad: c.pad,
          dataFormat: c.dataFormat ?? "NHWC",
          filterShape: c.filter,
        },
      );
      assert.deepEqual(wasmShape, c.filter);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
});

Deno.test("Conv2DBackpropFilter is registered for wasm", () => {
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"));
});
