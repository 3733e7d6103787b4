/**
 * Issue 19: a reader that comes after a save killed half-way (between its two renames: the
 * model folder set aside, the new one not yet in place) used to say "No saved model" until
 * the next writer came. Now it puts the previous save back when it may, and otherwise reads it
 * where it lies.
 */
import assert from "node:assert/strict";
import { buildModel } from "../../lib/models/build_model.ts";
import { loadModel, readMetadata, saveModel } from "../../lib/models/save_model.ts";
import { lockPath } from "../../lib/models/model_lock.ts";
import { useCpu } from "../_synthetic.ts";
import { listDir, metadataFor } from "./_model_fixtures.ts";

await useCpu();

/** A saved mlp whose next save was killed between its renames; returns its first weights. */
async function killedSwap(parent: string): Promise<number[]> {
  await saveModel(buildModel("mlp", { seed: 1 }), `${parent}/mlp`, metadataFor("mlp"));
  const { model } = await loadModel(`${parent}/mlp`);
  const weights = Array.from(model.getWeights()[0]!.dataSync().slice(0, 5));
  await Deno.rename(`${parent}/mlp`, `${parent}/.mlp.old-deadbeef`);
  await Deno.mkdir(`${parent}/.mlp.new-deadbeef`);
  return weights;
}

Deno.test("a reader after a swap killed half-way restores the previous save and loads it", async () => {
  const parent = await Deno.makeTempDir();
  const weights = await killedSwap(parent);
  assert.equal((await readMetadata(`${parent}/mlp`))?.arch, "mlp", "not 'no saved model'");
  assert.deepEqual(listDir(parent), ["mlp"], "put back, leftovers removed");
  const { model } = await loadModel(`${parent}/mlp`);
  assert.deepEqual(Array.from(model.getWeights()[0]!.dataSync().slice(0, 5)), weights);
});

Deno.test("while the killed writer's lock is still fresh, a reader reads the set-aside save", async () => {
  const parent = await Deno.makeTempDir();
  const weights = await killedSwap(parent);
  const lock = JSON.stringify({ pid: 4242, token: "killed", started: new Date() });
  await Deno.writeTextFile(lockPath(`${parent}/mlp`), lock);
  const { model, metadata } = await loadModel(`${parent}/mlp`);
  assert.equal(metadata.arch, "mlp");
  assert.deepEqual(Array.from(model.getWeights()[0]!.dataSync().slice(0, 5)), weights);
  assert.ok(listDir(parent).includes(".mlp.old-deadbeef"), "left for the writer to finish");
});

// Prepared with full permissions; the test itself runs without write access.
const readOnlyParent = await Deno.makeTempDir();
const readOnlyWeights = await killedSwap(readOnlyParent);

Deno.test({
  name: "a reader that may not write the folder reads the set-aside save where it lies",
  permissions: { read: true, write: false },
  async fn() {
    const { model, metadata } = await loadModel(`${readOnlyParent}/mlp`);
    assert.equal(metadata.arch, "mlp");
    assert.deepEqual(
      Array.from(model.getWeights()[0]!.dataSync().slice(0, 5)),
      readOnlyWeights,
    );
    assert.ok(listDir(readOnlyParent).includes(".mlp.old-deadbeef"), "nothing was moved");
  },
});
