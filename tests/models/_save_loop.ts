/**
 * Subprocess for the concurrency test: saves architecture `arch` into `dir` `count` times,
 * printing how many saves were refused because another process held the folder's lock.
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { saveModel } from "../../lib/models/save_model.ts";
import { ModelFileError } from "../../lib/errors.ts";
import { metadataFor } from "./_model_fixtures.ts";

const [dir, arch, count] = Deno.args as [string, string, string];
await tf.setBackend("cpu");
const model = buildModel(arch, { seed: 1 });
let saved = 0;
let refused = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    await saveModel(model, dir, metadataFor(arch));
    saved++;
  } catch (error) {
    if (!(error instanceof ModelFileError) || !/is being written by/.test(error.message)) {
      throw error;
    }
    refused++;
  }
}
console.log(JSON.stringify({ saved, refused }));
