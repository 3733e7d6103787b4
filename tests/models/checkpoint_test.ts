/**
 * Checkpoints are written as a whole: a failing writer, a killed process or a second writer
 * never leaves a folder whose parts come from different saves.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { loadModel, loadOptimizerState, saveModel } from "../../lib/models/save_model.ts";
import { lockModelDir, lockPath } from "../../lib/models/model_lock.ts";
import { ModelFileError } from "../../lib/errors.ts";
import { useCpu } from "../_synthetic.ts";
import { listDir, metadataFor, saveLoop } from "./_model_fixtures.ts";

await useCpu();

function trainedOptimizer(model: tf.LayersModel): tf.Optimizer {
  const optimizer = tf.train.adam(0.001);
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 3);
  optimizer.minimize(() => tf.mean(model.apply(x) as tf.Tensor) as tf.Scalar);
  return optimizer;
}

async function weightsOf(dir: string): Promise<Float32Array> {
  const { model } = await loadModel(dir);
  return model.getWeights()[0]!.dataSync() as Float32Array;
}

Deno.test("saveModel() with a failing writer (full disk) keeps the previous save whole and says so in one line", async () => {
  const parent = await Deno.makeTempDir();
  const dir = `${parent}/mlp`;
  const first = buildModel("mlp", { seed: 1 });
  await saveModel(first, dir, metadataFor("mlp", 1), trainedOptimizer(first));
  const before = listDir(dir);
  const weights = await weightsOf(dir);
  let writes = 0;
  const fullDisk = async (path: string, data: Uint8Array) => {
    if (++writes === 3) {
      throw new Error(`No space left on device (os error 28): writefile '${path}'`);
    }
    await Deno.writeFile(path, data);
  };
  const second = buildModel("mlp", { seed: 2 });
  await assert.rejects(
    saveModel(second, dir, metadataFor("mlp", 2), trainedOptimizer(second), {
      writeFile: fullDisk,
    }),
    (e) => {
      assert.ok(e instanceof ModelFileError);
      assert.match(
        e.message,
        /^Could not save the model to .*mlp \(No space left on device .*\); the folder still holds its previous save$/,
      );
      return true;
    },
  );
  assert.deepEqual(listDir(dir), before);
  assert.deepEqual(await weightsOf(dir), weights);
  assert.equal((await loadModel(dir)).metadata.epochsCompleted, 1);
  assert.ok(await loadOptimizerState(dir, tf.train.adam(0.001), first));
  assert.deepEqual(listDir(parent), ["mlp"], "no temporary folder or lock left behind");
});

Deno.test("a save killed between its renames is finished by the next writer: the previous save comes back", async () => {
  const parent = await Deno.makeTempDir();
  const dir = `${parent}/mlp`;
  await saveModel(buildModel("mlp", { seed: 1 }), dir, metadataFor("mlp"));
  const weights = await weightsOf(dir);
  await Deno.rename(dir, `${parent}/.mlp.old-deadbeef`);
  await Deno.mkdir(`${parent}/.mlp.new-deadbeef`);
  const lock = await lockModelDir(dir);
  await lock.release();
  assert.deepEqual(listDir(parent), ["mlp"]);
  assert.deepEqual(await weightsOf(dir), weights);
});

Deno.test("lockModelDir() lets one writer in; the second gets a clear ModelFileError; a stale lock is taken over", async () => {
  const dir = `${await Deno.makeTempDir()}/cnn-basic`;
  const lock = await lockModelDir(dir);
  await assert.rejects(lockModelDir(dir), /already locked by this process/);
  await lock.release();
  await lock.release(); // idempotent
  // Another process's fresh lock:
  await Deno.writeTextFile(
    lockPath(dir),
    JSON.stringify({ pid: 4242, started: "2026-11-28T00:00:00Z" }),
  );
  await assert.rejects(
    saveModel(buildModel("cnn-basic", { seed: 1 }), dir, metadataFor("cnn-basic")),
    (e) =>
      e instanceof ModelFileError &&
      /is being written by process 4242, since .*; wait for it to finish, or delete .*\.cnn-basic\.lock if that process is gone$/
        .test(e.message),
  );
  // …that stopped touching it two minutes ago (killed):
  const old = new Date(Date.now() - 120_000);
  await Deno.utime(lockPath(dir), old, old);
  const taken = await lockModelDir(dir);
  await taken.release();
  await assert.rejects(Deno.stat(lockPath(dir)), Deno.errors.NotFound);
});

Deno.test("two processes saving different architectures into one folder never give a reader mixed parts", async () => {
  const dir = `${await Deno.makeTempDir()}/shared`;
  await saveModel(buildModel("mlp", { seed: 1 }), dir, metadataFor("mlp"));
  const writer = (arch: string) => saveLoop(dir, arch, 25);
  const writers = Promise.all([writer("mlp"), writer("cnn-basic")]);
  const params: Record<string, number> = { mlp: 101_770, "cnn-basic": 63_050 };
  let loads = 0;
  let mixed = 0;
  let done = false;
  writers.finally(() => (done = true));
  while (!done || loads < 20) {
    try {
      const { model, metadata } = await loadModel(dir);
      if (model.countParams() !== params[metadata.arch]) mixed++;
      model.dispose();
      loads++;
    } catch (error) {
      assert.ok(error instanceof ModelFileError, String(error));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const outputs = await writers;
  for (const out of outputs) assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const counts = outputs.map((o) => JSON.parse(new TextDecoder().decode(o.stdout)));
  assert.equal(mixed, 0, `${mixed} of ${loads} loads mixed two saves`);
  assert.ok(counts.every((c) => c.saved > 0), JSON.stringify(counts));
});

Deno.test("loadOptimizerState() refuses state that is missing, of another class or from another save", async () => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  const model = buildModel("mlp", { seed: 1 });
  await saveModel(model, dir, metadataFor("mlp"));
  await assert.rejects(
    loadOptimizerState(dir, tf.train.adam(0.001), model),
    /holds no optimizer state \(a final save\); --resume cannot continue .*--retrain$/,
  );
  await saveModel(model, dir, metadataFor("mlp"), trainedOptimizer(model));
  await assert.rejects(
    loadOptimizerState(dir, tf.train.rmsprop(0.001), model),
    /optimizer\.json is Adam state but the recipe trains with RMSProp/,
  );
  const other = `${dir}-other`;
  const otherModel = buildModel("mlp", { seed: 9 });
  await saveModel(otherModel, other, metadataFor("mlp"), trainedOptimizer(otherModel));
  await Deno.copyFile(`${other}/optimizer.bin`, `${dir}/optimizer.bin`);
  await assert.rejects(
    loadOptimizerState(dir, tf.train.adam(0.001), model),
    /optimizer\.bin is not the file metadata\.json describes/,
  );
  await assert.rejects(
    loadOptimizerState(other, tf.train.adam(0.001), buildModel("cnn-basic")),
    /does not fit the model: its slot shapes are not the model's/,
  );
});

Deno.test("a lock is removed even when the process exits at once (a second Ctrl-C)", async () => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  const lockModule = new URL("../../lib/models/model_lock.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockModelDir } from "${lockModule}"; await lockModelDir("${dir}"); Deno.exit(130);`,
    ],
  }).output();
  assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
  await assert.rejects(Deno.stat(lockPath(dir)), Deno.errors.NotFound);
});

Deno.test("saveModel() refuses a file where the model folder belongs and leaves it alone", async () => {
  const parent = await Deno.makeTempDir();
  await Deno.writeTextFile(`${parent}/notes`, "mine");
  await assert.rejects(
    saveModel(buildModel("mlp", { seed: 1 }), `${parent}/notes`, metadataFor("mlp")),
    /Could not save the model: .*notes is a file, not a folder$/,
  );
  assert.equal(await Deno.readTextFile(`${parent}/notes`), "mine");
  assert.deepEqual(listDir(parent), ["notes"]);
});
