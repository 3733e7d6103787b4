/**
 * What the notebooks in `notebooks/` use besides the library and its views, as a third entry
 * point (`jsr:@x/mnist-cnn/notebook`): quick/full settings, a `show` that waits for the Deno
 * kernel to deliver each output, Keras-style progress that updates in place, the per-layer
 * parameter arithmetic, the comparison with the seed's reported numbers, and a one-line
 * description of the machine.
 *
 * @example The first cell of a notebook
 * ```ts ignore
 * import { createShow, notebookSettings } from "jsr:@x/mnist-cnn/notebook";
 *
 * const settings = notebookSettings("cnn-deep", { quick: true });
 * const show = createShow(Deno.jupyter.display);
 * await show(settings.description);
 * ```
 *
 * @module
 */
export { describeMachine } from "./lib/notebook/machine.ts";
export {
  type ParameterArithmetic,
  parameterArithmetic,
  type ParameterRow,
} from "./lib/notebook/parameter_arithmetic.ts";
export { notebookProgress } from "./lib/notebook/progress.ts";
export { type SeedComparison, seedComparison } from "./lib/notebook/seed_comparison.ts";
export { type NotebookSettings, notebookSettings } from "./lib/notebook/settings.ts";
export { createShow, type DisplayFunction, type DisplayOptions } from "./lib/notebook/show.ts";
