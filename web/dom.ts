/// <reference lib="dom" />
/**
 * The page's elements by id, typed, failing loudly when `index.html` and the code disagree.
 *
 * @module
 */

/**
 * The element with `id`.
 *
 * @param id Its id in `index.html`.
 * @param kind Its class, e.g. `HTMLCanvasElement`.
 * @returns The element.
 * @throws {Error} when it is missing or of another kind.
 */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html has no ${kind.name} #${id}`);
  return element;
}

/** Shows `message` in the page's alert line, or hides it for `null`. */
export function showError(message: string | null): void {
  const line = byId("error", HTMLParagraphElement);
  line.hidden = message === null;
  line.textContent = message ?? "";
  if (message !== null) console.warn(message);
}

/** The one-line message of anything thrown. */
export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
