import assert from "node:assert/strict";
import {
  formatTrainingHistory,
  renderTrainingHistorySvg,
  trainingHistory,
} from "../../lib/report/training_history.ts";
import type { EpochLog } from "../../lib/runner/epoch_log.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { inkedPixels } from "./_fixtures.ts";

const history: EpochLog[] = [1, 2, 3].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  acc: 0.9 + epoch / 100,
  valLoss: 1.1 / epoch,
  valAcc: 0.89 + epoch / 100,
  seconds: 10,
  imagesPerSecond: 6000,
}));

Deno.test("trainingHistory() yields loss and accuracy for train and validation per epoch", () => {
  const points = trainingHistory([{ run: "cnn-deep", history }]);
  assert.equal(points.length, 12);
  assert.deepEqual(
    points.find((p) => p.epoch === 2 && p.metric === "loss" && p.split === "validation"),
    {
      run: "cnn-deep",
      epoch: 2,
      metric: "loss",
      split: "validation",
      value: 0.55,
    },
  );
});

Deno.test("trainingHistory() leaves out validation when none was recorded", () => {
  const plain = history.map(({ valLoss: _l, valAcc: _a, ...rest }) => rest);
  const points = trainingHistory([{ run: "a", history: plain }, { run: "b", history }]);
  assert.equal(points.filter((p) => p.run === "a").length, 6);
  assert.ok(points.filter((p) => p.run === "a").every((p) => p.split === "train"));
  assert.equal(points.filter((p) => p.run === "b").length, 12);
});

Deno.test("renderTrainingHistorySvg() draws both charts into a non-blank PNG", async () => {
  const svg = await renderTrainingHistorySvg(
    trainingHistory([{ run: "mlp", history }, { run: "cnn-deep", history: history.slice(0, 1) }]),
  );
  assert.match(svg, />loss</);
  assert.match(svg, />accuracy</);
  assert.match(svg, />cnn-deep</, "a legend names the runs when there are several");
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.width > 600 && png.inked > 5_000, `${png.width} wide, ${png.inked} inked`);
});

Deno.test("formatTrainingHistory() prints one line per epoch", () => {
  const lines = formatTrainingHistory(history).split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[2]!, /^\s+2\s+0\.5000\s+92\.00%\s+0\.5500\s+91\.00%/);
});
