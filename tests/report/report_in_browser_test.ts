/**
 * The HTML report as a person sees it: opened from disk in headless Chromium (Debian's
 * `chromium`, installed by `.ci/run`), which must render it without console errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeReport } from "../../lib/report/write_report.ts";
import { useCpu } from "../_synthetic.ts";
import { inkedPixels } from "./_fixtures.ts";
import { reportInput } from "./_report_fixture.ts";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const chromium = CANDIDATES.find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

/** Runs headless Chromium on `url` with extra flags; returns stdout and stderr. */
async function runChromium(url: string, profile: string, ...flags: string[]) {
  const output = await new Deno.Command(chromium!, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      "--window-size=1200,2000",
      ...flags,
      url,
    ],
    stdin: "null",
    signal: AbortSignal.timeout(90_000),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.equal(output.code, 0, decode(output.stderr));
  return { stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test({
  name: "report.html renders in headless Chromium with every section and no console errors",
  ignore: chromium === undefined,
  sanitizeResources: false,
  fn: async () => {
    await useCpu();
    const dir = await Deno.makeTempDir();
    try {
      const input = reportInput(join(dir, "report"));
      const { html } = await writeReport(input);
      input.model.dispose();
      const url = `file://${html}`;
      const shot = join(dir, "shot.png");

      const screenshot = await runChromium(
        url,
        join(dir, "profile"),
        `--screenshot=${shot}`,
        "--enable-logging=stderr",
        "--v=0",
      );
      const consoleLines = screenshot.stderr.split("\n").filter((l) => /CONSOLE|Uncaught/.test(l));
      assert.deepEqual(consoleLines, [], "the page logs nothing to the console");
      const { width, height, inked } = inkedPixels(await Deno.readFile(shot));
      assert.equal(width, 1200);
      assert.equal(height, 2000);
      assert.ok(inked > 0.05 * width * height, `screenshot nearly blank: ${inked} inked pixels`);

      const { stdout: dom } = await runChromium(url, join(dir, "profile"), "--dump-dom");
      for (
        const id of [
          "metrics",
          "recipe",
          "summary",
          "history",
          "samples",
          "misclassified",
          "confusion",
          "filters",
          "probabilities",
        ]
      ) {
        assert.ok(dom.includes(`<section id="${id}">`), `section ${id} is in the DOM`);
      }
      const images = [...dom.matchAll(/<img src="([^"]{0,30})/g)].map((m) => m[1]!);
      assert.equal(images.length, 6);
      assert.ok(images.every((src) => src.startsWith("data:image/svg+xml")), "images are inline");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
