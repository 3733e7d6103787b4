import assert from "node:assert/strict";
import { basename } from "node:path";
import {
  type ComparisonReportRow,
  writeComparisonReport,
} from "../../lib/report/write_comparison_report.ts";
import { inkedPixels } from "./_fixtures.ts";

function row(arch: string, accuracy: number, epochs: number): ComparisonReportRow {
  return {
    arch,
    seeds: ["000"],
    params: 93_322,
    epochs,
    batchSize: 64,
    secondsPerEpoch: 20 + accuracy,
    imagesPerSecond: 3000,
    accuracy,
    wrong: Math.round((1 - accuracy) * 10_000),
    testCount: 10_000,
    seedAccuracy: 0.99,
    difference: accuracy - 0.99,
    history: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      loss: 0.3 / (i + 1),
      acc: accuracy - 0.01 / (i + 1),
      seconds: 20,
      imagesPerSecond: 3000,
    })),
  };
}

Deno.test("writeComparisonReport() puts every architecture side by side with overlaid curves", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = [row("mlp", 0.9761, 2), row("cnn-deep", 0.9921, 3)];
    const files = await writeComparisonReport(rows, dir);
    const html = await Deno.readTextFile(files.html);
    for (const id of ["table", "accuracy", "speed", "history"]) {
      assert.ok(html.includes(`<section id="${id}">`), id);
    }
    for (const text of ["97.61 %", "99.21 %", "−1.39 %", "+0.21 %", "239 of 10,000", "93,322"]) {
      assert.ok(html.includes(text), text);
    }
    assert.deepEqual(files.images.map((p) => basename(p)), [
      "comparison_accuracy.png",
      "comparison_speed.png",
      "comparison_history.png",
    ]);
    for (const path of files.images) {
      const png = inkedPixels(await Deno.readFile(path));
      assert.ok(png.inked > 0.02 * png.width * png.height, `${basename(path)} is blank`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeComparisonReport() refuses an empty comparison", async () => {
  await assert.rejects(() => writeComparisonReport([], "unused"), RangeError);
});
