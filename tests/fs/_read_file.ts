/**
 * Subprocess for the not-a-regular-file tests: reads each path named in the arguments with
 * `readFileCapped` (or, for `data:DIR`, DIR's cached MNIST training labels through the data
 * cache source) and prints the error message, or "read N bytes".
 */
import { readFileCapped } from "../../lib/fs/read_capped.ts";
import { cacheSource } from "../../lib/data/_sources.ts";
import { MNIST_FILES } from "../../lib/data/checksums.ts";

for (const arg of Deno.args) {
  try {
    const bytes = arg.startsWith("data:")
      ? await cacheSource(arg.slice(5)).read(MNIST_FILES.trainLabels)
      : await readFileCapped(arg, 1000);
    console.log(`read ${bytes.length} bytes`);
  } catch (error) {
    console.log((error as Error).message);
  }
}
