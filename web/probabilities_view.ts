/// <reference lib="dom" />
/**
 * The ten class probabilities as a list of bars (the top one in red) and the predicted digit,
 * redrawn at every change of the pad.
 *
 * @module
 */

/**
 * Shows the probabilities and the predicted digit.
 *
 * @param list The `<ol start="0">`.
 * @param output The prediction's `<output>`.
 * @param probabilities Ten probabilities, or `null` for an empty pad (clears both).
 */
export function showProbabilities(
  list: HTMLOListElement,
  output: HTMLOutputElement,
  probabilities: readonly number[] | null,
): void {
  if (probabilities === null) {
    list.replaceChildren();
    output.value = "–";
    return;
  }
  const values = [...probabilities];
  const top = values.indexOf(Math.max(...values));
  list.replaceChildren(...values.map((p, digit) => {
    const item = document.createElement("li");
    item.className = digit === top ? "top" : "";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${Math.round(p * 150)}px`;
    item.append(`${(p * 100).toFixed(1).padStart(5)}%`, bar);
    return item;
  }));
  output.value = String(top);
}
