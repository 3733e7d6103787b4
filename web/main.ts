/// <reference lib="dom" />
/**
 * The browser app's entry (bundled as `app.js`): reads the URL parameters, opens a session
 * (MNIST from the server, the compiled engine on WebGPU or wasm), and wires the train form, the
 * draw pad and the models panel to it. Every failure is one line in the page's alert.
 *
 * @module
 */
import { ARCHITECTURES } from "../lib/models/architectures.ts";
import { parseArchitecture } from "../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../lib/models/architecture.ts";
import { defaultWebConfig } from "../lib/defaults.ts";
import { type PageParams, pageParams } from "./params.ts";
import { byId, messageOf, showError } from "./dom.ts";
import { createPad } from "./pad.ts";
import { showProbabilities } from "./probabilities_view.ts";
import { startTrainView } from "./train_view.ts";
import { openSession, type Session, type TrainedModel } from "./session.ts";
import { setupModelsPanel } from "./models_panel.ts";

const form = byId("train-form", HTMLFormElement);
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
let current: TrainedModel | null = null;
let redraw: () => void = () => {};

function readParams(): PageParams {
  try {
    return pageParams(location.search);
  } catch (error) {
    showError(messageOf(error));
    return pageParams("");
  }
}

function fillForm(params: PageParams): void {
  const select = field("arch") as unknown as HTMLSelectElement;
  select.replaceChildren(
    ...Object.values(ARCHITECTURES).map((a) =>
      new Option(
        `${a.name} — ${a.description}`,
        a.name,
        a.name === params.arch,
        a.name === params.arch,
      )
    ),
  );
  field("epochs").value = String(params.epochs);
  field("limit").value = String(params.limit);
}

/** The architecture chosen: the user's JSON when the text box holds one, else the seed. */
function chosenArchitecture(): Architecture {
  const own = (field("keras") as unknown as HTMLTextAreaElement).value.trim();
  if (own !== "") return parseArchitecture(own, { source: "the page" });
  return ARCHITECTURES[field("arch").value]!;
}

async function train(session: Session, stop: AbortController): Promise<void> {
  const arch = chosenArchitecture();
  const epochs = field("epochs").valueAsNumber;
  const limit = field("limit").valueAsNumber;
  const view = startTrainView(epochs);
  const run = await session.train({
    arch,
    epochs,
    limit,
    seed: defaultWebConfig().seed,
    signal: stop.signal,
    onProgress: (p) => view.progress(p),
    onLog: (line) => view.log(line),
  });
  current = run.model;
  if (run.report) {
    view.finish(run.report.summary, run.report.misclassifiedSvg, run.report.confusionSvg);
    byId("download", HTMLButtonElement).disabled = false;
  } else {
    view.log("Stopped: the pad uses the weights as they were.");
  }
  redraw();
}

function wireTraining(session: Session): void {
  const button = byId("stop", HTMLButtonElement);
  const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
  let stop = new AbortController();
  button.onclick = () => stop.abort(new Error("stopped"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    showError(null);
    stop = new AbortController();
    submit.disabled = true;
    button.disabled = false;
    train(session, stop)
      .catch((error) => showError(`training failed: ${messageOf(error)}`))
      .finally(() => {
        submit.disabled = false;
        button.disabled = true;
      });
  });
  (field("keras-file") as HTMLInputElement).addEventListener("change", async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) (field("keras") as unknown as HTMLTextAreaElement).value = await file.text();
  });
}

function wirePad(session: Session): void {
  const list = byId("probabilities", HTMLOListElement);
  const output = byId("prediction", HTMLOutputElement);
  let canvas: HTMLCanvasElement | null = null;
  let busy = false;
  let again = false;
  // One prediction at a time; a change during one is predicted right after it.
  redraw = () => {
    if (!canvas || !current) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    again = false;
    const version = canvas.dataset.version ?? "";
    session.predict(current, canvas)
      .then((p) => {
        showProbabilities(list, output, p);
        output.dataset.version = version; // the drawing this prediction is of
      })
      .catch((error) => showError(messageOf(error)))
      .finally(() => {
        busy = false;
        if (again) redraw();
      });
  };
  const pad = createPad(byId("pad", HTMLCanvasElement), (c) => {
    canvas = c;
    redraw();
  });
  byId("clear", HTMLButtonElement).onclick = () => pad.clear();
}

async function main(): Promise<void> {
  const params = readParams();
  fillForm(params);
  const device = byId("device", HTMLParagraphElement);
  const session = await openSession((line) => (device.textContent = line));
  device.textContent = session.device;
  wireTraining(session);
  wirePad(session);
  setupModelsPanel(session, {
    get: () => current,
    set: (model) => {
      current = model;
      redraw();
    },
  });
  if (params.autostart) form.requestSubmit();
}

main().catch((error) => showError(`the app could not start: ${messageOf(error)}`));
