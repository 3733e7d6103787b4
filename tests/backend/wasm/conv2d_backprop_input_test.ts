import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareWithCpu, randomInput, setupWasm, TOLERANCE } from "./_compare.ts";

await setupWasm();

type Pad = "valid" | "same" | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides?: number;
  pad: Pad;
  dataFormat?: "NHWC" | "NCHW";
}

const CASES: Case[] = [
  {
    name: "32→64 channels 11×11, 3×3 valid, batch 4",
    x: [4, 13, 13, 32],
    filter: [3, 3, 32, 64],
    pad: "valid",
  },
  {
    name: "64→64 channels 5×5, 3×3 valid, batch 8",
    x: [8, 5, 5, 64],
    filter: [3, 3, 64, 64],
    pad: "valid",
  },
  {
    name: "1→8 channels 28×28, 3×3 same, batch 2",
    x: [2, 28, 28, 1],
    filter: [3, 3, 1, 8],
    pad: "same",
  },
  {
    name: "1→8 channels 28×28, 5×5 valid, batch 3",
    x: [3, 28, 28, 1],
    filter: [5, 5, 1, 8],
    pad: "valid",
  },
  {
    name: "explicit padding",
    x: [2, 6, 6, 3],
    filter: [3, 3, 3, 5],
    pad: [[0, 0], [1, 0], [0, 2], [0, 0]],
  },
  {
    name: "stride 2 (stock fallback)",
    x: [2, 9, 9, 3],
    filter: [3, 3, 3, 4],
    strides: 2,
    pad: "same",
  },
  {
    name: "NCHW (stock fallback)",
    x: [2, 3, 7, 7],
    filter: [3, 3, 3, 4],
    pad: "valid",
    dataFormat: "NCHW",
  },
];

Deno.test("Conv2DBackpropInput on wasm matches cpu", async (t) => {
  for (const [i, c] of CASES.entries()) {
    await t.step(c.name, async () => {
      const info = tf.backend_util.computeConv2DInfo(
        c.x,
        c.filter,
        c.strides ?? 1,
        1,
        c.pad,
        undefined,
        false,
        c.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
      );
      const { error, wasmShape } = await compareWithCpu(
        "Conv2DBackpropInput",
        { dy: randomInput(info.outShape, 30 + i), filter: randomInput(c.filter, 40 + i) },
        {
          strides: c.strides ?? 1,
          pad: c.pad,
          dataFormat: c.dataFormat ?? "NHWC",
          inputShape: c.x,
        },
      );
      assert.deepEqual(wasmShape, c.x);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
});
