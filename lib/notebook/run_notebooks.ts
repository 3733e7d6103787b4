/**
 * Executes the notebooks headless with Jupyter (`jupyter nbconvert --to notebook --execute`)
 * on Deno's kernel: quick smoke runs (`MNIST_NOTEBOOK_QUICK=1`) or the seed recipes.
 *
 * Requires `--allow-run=jupyter`. Jupyter starts the Deno kernel itself, in each notebook's
 * folder, with all permissions (Deno's kernel has no permission flags).
 *
 * @module
 */

/** The notebooks, in the order they run: the compare notebook last, so it reuses the models. */
export const NOTEBOOK_NAMES: readonly string[] = [
  "mlp",
  "cnn-basic",
  "cnn-wide",
  "cnn-deep",
  "compare",
];

/** Options for {@linkcode runNotebooks}. */
export interface RunNotebooksOptions {
  /** Which notebooks, by name. @default all of {@linkcode NOTEBOOK_NAMES} */
  names?: readonly string[];
  /** The seed recipes instead of quick smoke runs. @default false */
  full?: boolean;
  /** Folder of the notebooks. @default "notebooks" */
  dir?: string;
  /** Write the executed notebooks here; omitted, they replace the originals. */
  outDir?: string;
  /** Seconds a cell may run. @default 600 quick, unlimited full */
  cellTimeout?: number;
  /** Called before each notebook runs. */
  onStart?: (name: string) => void;
}

/** How one notebook's execution went. */
export interface NotebookRun {
  /** Notebook name. */
  name: string;
  /** True when every cell ran without an error. */
  ok: boolean;
  /** Wall-clock seconds. */
  seconds: number;
  /** The executed notebook's path. */
  path: string;
  /** The error's last line (nbconvert's report), when it failed. */
  error?: string;
}

async function output(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command("jupyter", { args, stdin: "null" }).output();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(
      "jupyter was not found on PATH: install Debian's jupyter-nbconvert, python3-nbclient and " +
        "jupyter-client (or `pip install nbconvert nbclient`), then run `deno jupyter --install`",
    );
  }
  const text = new TextDecoder();
  return {
    ok: result.success,
    stdout: text.decode(result.stdout),
    stderr: text.decode(result.stderr),
  };
}

/**
 * Checks that Jupyter and the Deno kernel are installed.
 *
 * @throws {Deno.errors.NotFound} with a one-line fix when either is missing.
 *
 * @example
 * ```ts ignore
 * await checkJupyter(); // throws "… run `deno jupyter --install`" without the Deno kernel
 * ```
 */
export async function checkJupyter(): Promise<void> {
  const nbconvert = await output(["nbconvert", "--version"]);
  if (!nbconvert.ok) {
    throw new Deno.errors.NotFound(
      "jupyter nbconvert is not installed: install Debian's jupyter-nbconvert and python3-nbclient",
    );
  }
  const specs = await output(["kernelspec", "list", "--json"]);
  const kernels = specs.ok ? JSON.parse(specs.stdout).kernelspecs ?? {} : {};
  if (!("deno" in kernels)) {
    throw new Deno.errors.NotFound(
      "The Deno Jupyter kernel is not installed: run `deno jupyter --install`",
    );
  }
}

/** The useful line of a failed nbconvert run: the cell error's name and message. */
function errorLine(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) =>
    l && !/Warning|^\[Nb/.test(l)
  );
  const named = lines.findLast((l) => /^\w*(Error|Exception)\b/.test(l));
  return (named ?? lines.at(-1) ?? "nbconvert failed").slice(0, 300);
}

/**
 * Executes notebooks one after another (they share `models/notebooks/`), collecting how each went.
 *
 * @param options Which notebooks, quick or full, where to write them.
 * @returns One entry per notebook, in order.
 * @throws {Deno.errors.NotFound} when Jupyter or the Deno kernel is missing.
 * @throws {RangeError} for an unknown notebook name.
 *
 * @example
 * ```ts ignore
 * const runs = await runNotebooks({ names: ["mlp"], outDir: "reports/notebooks" });
 * console.log(runs[0]!.ok, runs[0]!.seconds);
 * ```
 */
export async function runNotebooks(options: RunNotebooksOptions = {}): Promise<NotebookRun[]> {
  const names = options.names ?? NOTEBOOK_NAMES;
  const unknown = names.find((n) => !NOTEBOOK_NAMES.includes(n));
  if (unknown !== undefined) {
    throw new RangeError(
      `Unknown notebook "${unknown}": expected one of ${NOTEBOOK_NAMES.join(", ")}`,
    );
  }
  await checkJupyter();
  const dir = options.dir ?? "notebooks";
  const timeout = options.cellTimeout ?? (options.full ? -1 : 600);
  const runs: NotebookRun[] = [];
  for (const name of names) {
    options.onStart?.(name);
    const started = performance.now();
    const args = [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      `${dir}/${name}.ipynb`,
      `--ExecutePreprocessor.timeout=${timeout}`,
      ...(options.outDir ? ["--output-dir", options.outDir] : ["--inplace"]),
    ];
    // The quick switch travels as an environment variable, which the kernel inherits.
    const env = { MNIST_NOTEBOOK_QUICK: options.full ? "" : "1" };
    const result = await new Deno.Command("jupyter", { args, env, stdin: "null", stdout: "null" })
      .output();
    const path = `${options.outDir ?? dir}/${name}.ipynb`;
    const seconds = (performance.now() - started) / 1000;
    runs.push(
      result.success ? { name, ok: true, seconds, path } : {
        name,
        ok: false,
        seconds,
        path,
        error: errorLine(new TextDecoder().decode(result.stderr)),
      },
    );
  }
  return runs;
}
