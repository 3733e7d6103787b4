/// <reference lib="dom" />
/**
 * The models panel: the saved models the server lists (`models/index.json`; a static site's is
 * empty), loading one for the pad, and downloading the model trained in
 * this tab as a tfjs layers model (`model.json`, `weights.bin` and our `metadata.json`).
 *
 * @module
 */
import { byId, messageOf, showError } from "./dom.ts";
import type { Session, TrainedModel } from "./session.ts";

/** The page's current model, as the panel reads and replaces it. */
export interface ModelSlot {
  get(): TrainedModel | null;
  set(model: TrainedModel): void;
}

interface Listed {
  name: string;
  arch?: string;
  testAccuracy?: number;
}

async function listModels(): Promise<Listed[] | null> {
  const response = await fetch("models/index.json").catch(() => null);
  if (!response?.ok) return null;
  const list: unknown = await response.json().catch(() => null);
  return Array.isArray(list) ? list.filter((m) => typeof m?.name === "string") : null;
}

function save(blob: Blob, name: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/**
 * Fills the list and wires the two buttons.
 *
 * @param session The session (loads and exports models).
 * @param slot The page's current model.
 */
export async function setupModelsPanel(session: Session, slot: ModelSlot): Promise<void> {
  const select = byId("saved-models", HTMLSelectElement);
  const load = byId("load-model", HTMLButtonElement);
  const status = byId("model-status", HTMLParagraphElement);
  byId("download", HTMLButtonElement).onclick = async () => {
    const model = slot.get();
    if (!model) return;
    try {
      for (const [name, blob] of await session.exportModel(model)) save(blob, name);
    } catch (error) {
      showError(`download failed: ${messageOf(error)}`);
    }
  };
  const models = await listModels();
  if (models === null || models.length === 0) {
    status.textContent = models === null
      ? "No model list here: train one above."
      : "No saved models here (deno task train saves them, deno task web lists them).";
    return;
  }
  select.replaceChildren(...models.map((m) => {
    const acc = m.testAccuracy === undefined ? "" : `, ${(m.testAccuracy * 100).toFixed(2)}%`;
    return new Option(`${m.name} (${m.arch ?? "?"}${acc})`, m.name);
  }));
  load.disabled = false;
  load.onclick = async () => {
    load.disabled = true;
    try {
      const base = new URL(`models/${encodeURIComponent(select.value)}/`, location.href);
      slot.set(await session.loadModel(base));
      status.textContent = `Loaded ${select.value}: draw a digit.`;
    } catch (error) {
      showError(`cannot load ${select.value}: ${messageOf(error)}`);
    } finally {
      load.disabled = false;
    }
  };
}
