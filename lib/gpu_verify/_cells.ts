/**
 * The loop of a phase that measures several cells (architecture × batch): each cell starts
 * only when the budget still holds its seconds (else it is recorded as skipped), an error in
 * one cell is a failed check for that cell and the next one still runs, and the report is
 * saved after each cell, so a run cut mid-phase keeps the cells it finished.
 *
 * @module
 */
import type { PhaseContext } from "./types.ts";

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs `body` for each cell.
 *
 * @param ctx The phase's context.
 * @param cells The cells, in order of value.
 * @param options The cell's name and the seconds it needs to be worth starting.
 * @param body What to run for one cell.
 * @returns When every cell has run, failed or been skipped.
 */
export async function eachCell<T>(
  ctx: PhaseContext,
  cells: readonly T[],
  options: { name: (cell: T) => string; seconds: number },
  body: (cell: T) => Promise<void>,
): Promise<void> {
  for (const cell of cells) {
    const name = options.name(cell);
    const left = ctx.secondsLeft();
    if (left < options.seconds) {
      ctx.record(`skipped ${name}`, `out of time: ${left.toFixed(0)} s left`);
      ctx.log(`${name}: skipped, out of time`);
      continue;
    }
    try {
      await body(cell);
    } catch (error) {
      ctx.check(`${name} ran`, false, message(error).slice(0, 500));
      ctx.log(`${name}: ${message(error).slice(0, 200)}`);
    }
    await ctx.save();
  }
}
