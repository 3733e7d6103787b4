/**
 * Lets a view's result show itself in a Jupyter notebook. Deno's kernel displays any object
 * with a `[Symbol.for("Jupyter.display")]()` method by calling it and sending the MIME bundle
 * it returns (it awaits a promise), so nothing here depends on Jupyter: outside a notebook the
 * method is simply never called. The method is non-enumerable, so it stays out of
 * `JSON.stringify`, spreads and `assert.deepEqual`.
 *
 * @module
 */

/** The symbol Deno's Jupyter kernel looks for (a registered symbol, so no import is needed). */
export const JUPYTER_DISPLAY: symbol = Symbol.for("Jupyter.display");

/** A Jupyter MIME bundle: MIME type → content, e.g. `{"image/svg+xml": "<svg…"}`. */
export type MediaBundle = Record<string, string>;

/**
 * Attaches a display method to `view` and returns the same object.
 *
 * @param view The view's result.
 * @param bundle Builds the bundle when the notebook asks for it (views render lazily, so
 *   creating a view stays as cheap as before).
 * @returns `view`.
 */
export function withJupyterDisplay<T extends object>(
  view: T,
  bundle: () => Promise<MediaBundle> | MediaBundle,
): T {
  const display = async (): Promise<MediaBundle> => await bundle();
  return Object.defineProperty(view, JUPYTER_DISPLAY, { value: display, enumerable: false });
}

/**
 * The bundle a notebook would show for `value`, or `undefined` when it has no display method.
 *
 * @param value Any value, e.g. a view's result.
 * @returns The MIME bundle.
 *
 * @example
 * ```ts
 * import { jupyterBundle, withJupyterDisplay } from "./_jupyter.ts";
 * const view = withJupyterDisplay({ n: 1 }, () => ({ "text/plain": "one" }));
 * if ((await jupyterBundle(view))?.["text/plain"] !== "one") throw new Error();
 * ```
 */
export async function jupyterBundle(value: unknown): Promise<MediaBundle | undefined> {
  if (value === null || typeof value !== "object") return undefined;
  const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
  if (typeof method !== "function") return undefined;
  return await method.call(value) as MediaBundle;
}
