/**
 * Finding and running PyTorch for the kit (`bench/pytorch_bench.py`). Every failure is kept
 * as it happened (a refused spawn, a missing interpreter, an import error), so a GPU run
 * says why it had no reference rather than a guess.
 *
 * @module
 */

/** Pythons to try: the one on PATH, then Debian's (where `python3-torch` installs). */
export const PYTHONS: readonly string[] = ["python3", "/usr/bin/python3"];

/** A Python that imports torch. */
export interface Torch {
  python: string;
  device: "cuda" | "cpu";
  version: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The first Python that imports torch, with whether it has CUDA; and what each try gave.
 *
 * Requires `--allow-run` (unrestricted where `LD_LIBRARY_PATH` is set: Deno then refuses
 * any spawn under a list).
 *
 * @param pythons The interpreters to try, in order.
 * @returns The Python found (or none) and one line per Python tried.
 */
export async function findTorch(
  pythons: readonly string[] = PYTHONS,
): Promise<{ torch?: Torch; attempts: string[] }> {
  const attempts: string[] = [];
  for (const python of pythons) {
    try {
      const probe = await new Deno.Command(python, {
        args: ["-c", "import torch; print(torch.__version__, torch.cuda.is_available())"],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const out = new TextDecoder().decode(probe.stdout).trim();
      if (probe.code !== 0) {
        const err = new TextDecoder().decode(probe.stderr).trim().split("\n").at(-1) ?? "";
        attempts.push(`${python}: exit ${probe.code}: ${err.slice(0, 300)}`);
        continue;
      }
      const [version = "?", cuda] = out.split(/\s+/);
      attempts.push(`${python}: torch ${version}, CUDA ${cuda === "True" ? "yes" : "no"}`);
      return { torch: { python, device: cuda === "True" ? "cuda" : "cpu", version }, attempts };
    } catch (error) {
      attempts.push(`${python}: ${errorText(error).slice(0, 300)}`);
    }
  }
  return { attempts };
}

/**
 * Runs `bench/pytorch_bench.py --json` with `args` and returns its rows.
 *
 * @param torch The Python to run it with.
 * @param args Further arguments (architectures, batch, steps).
 * @param seconds Time limit of the run.
 * @returns One object per architecture (`msPerStep`, `batch`, `arch`, …).
 * @throws {Error} with the end of its stderr when the script fails.
 */
export async function torchRows(
  torch: Torch,
  args: readonly string[],
  seconds: number,
): Promise<Record<string, unknown>[]> {
  const output = await new Deno.Command(torch.python, {
    args: ["bench/pytorch_bench.py", "--json", "--device", torch.device, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(Math.max(5, seconds) * 1000),
  }).output();
  if (output.code !== 0) {
    const err = new TextDecoder().decode(output.stderr).trim().slice(-400);
    throw new Error(`pytorch_bench.py exit ${output.code}: ${err}`);
  }
  return new TextDecoder().decode(output.stdout).trim().split("\n").map((l) => JSON.parse(l));
}
