/**
 * Issue 19: reports are written like checkpoints. A report that fails part-way (a full disk)
 * once left some PNGs of the new model beside `report.html` and the rest of the old one; now
 * the previous report stays whole, and a swap killed half-way is finished by the next writer.
 */
import assert from "node:assert/strict";
import { writeReport } from "../../lib/report/write_report.ts";
import { writeComparisonReport } from "../../lib/report/write_comparison_report.ts";
import { useCpu } from "../_synthetic.ts";
import { reportInput } from "./_report_fixture.ts";

await useCpu();

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    const bytes = await Deno.readFile(`${dir}/${entry.name}`);
    out[entry.name] = await crypto.subtle.digest("SHA-256", bytes).then((h) =>
      Array.from(new Uint8Array(h)).join()
    );
  }
  return out;
}

/** A disk that fills up after `n` files: the next one is created empty, then the write fails. */
function fullAfter(n: number) {
  let written = 0;
  return async (path: string, data: Uint8Array) => {
    if (written++ < n) return await Deno.writeFile(path, data);
    await Deno.writeFile(path, new Uint8Array(0));
    throw new Error(`No space left on device (os error 28): write '${path}'`);
  };
}

Deno.test("a report that fails part-way (full disk) leaves the previous report whole, never a mix", async () => {
  const parent = await Deno.makeTempDir();
  const outDir = `${parent}/report`;
  const first = reportInput(outDir, "cnn-basic");
  await writeReport(first);
  first.model.dispose();
  await Deno.writeTextFile(`${outDir}/notes.txt`, "mine");
  const before = await snapshot(outDir);
  const second = reportInput(outDir, "mlp");
  await assert.rejects(writeReport({ ...second, writeFile: fullAfter(3) }), /No space left/);
  assert.deepEqual(await snapshot(outDir), before, "the previous report, whole");
  assert.deepEqual([...Deno.readDirSync(parent)].map((e) => e.name), ["report"], "no leftovers");
  await writeReport(second);
  second.model.dispose();
  const after = await snapshot(outDir);
  assert.notEqual(after["report.html"], before["report.html"]);
  assert.equal(after["notes.txt"], before["notes.txt"], "a file of the user's is kept");
  await Deno.remove(parent, { recursive: true });
});

Deno.test("a report swap killed half-way is put back by the next report writer", async () => {
  const parent = await Deno.makeTempDir();
  const outDir = `${parent}/compare`;
  const row = {
    arch: "mlp",
    seeds: ["003"],
    params: 101_770,
    epochs: 1,
    batchSize: 32,
    secondsPerEpoch: 1,
    imagesPerSecond: 1000,
    accuracy: 0.9,
    seedAccuracy: 0.97,
    difference: -0.07,
    wrong: 10,
    testCount: 100,
    history: [{ epoch: 1, loss: 0.3, acc: 0.9, seconds: 1, imagesPerSecond: 1000 }],
  };
  await writeComparisonReport([row], outDir);
  const before = await snapshot(outDir);
  // Killed between its two renames: the old folder set aside, the new one not yet in place.
  await Deno.rename(outDir, `${parent}/.compare.old-deadbeef`);
  await Deno.mkdir(`${parent}/.compare.new-deadbeef`);
  await Deno.writeTextFile(`${parent}/.compare.old-deadbeef/notes.txt`, "mine");
  await writeComparisonReport([row], outDir);
  const { "notes.txt": _notes, ...report } = await snapshot(outDir);
  assert.deepEqual(report, before, "the report as written");
  assert.equal(await Deno.readTextFile(`${outDir}/notes.txt`), "mine", "restored, then kept");
  assert.deepEqual([...Deno.readDirSync(parent)].map((e) => e.name), ["compare"], "no leftovers");
  await Deno.remove(parent, { recursive: true });
});
