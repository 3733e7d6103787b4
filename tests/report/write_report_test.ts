import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { writeReport } from "../../lib/report/write_report.ts";
import { decodePng } from "../../lib/image/png.ts";
import { useCpu } from "../_synthetic.ts";
import { inkedPixels } from "./_fixtures.ts";
import { reportInput } from "./_report_fixture.ts";

await useCpu();

const SECTIONS = [
  "metrics",
  "recipe",
  "summary",
  "history",
  "samples",
  "misclassified",
  "confusion",
  "filters",
  "probabilities",
];

/** The `width`/`height` attributes of the SVG documents inlined in the page, in order. */
function inlineSvgSizes(html: string): { width: number; height: number }[] {
  return [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => {
    const svg = new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)));
    const size = svg.match(/<svg[^>]* width="(\d+)" height="(\d+)"/)!;
    return { width: Number(size[1]), height: Number(size[2]) };
  });
}

Deno.test("writeReport() writes a self-contained report.html and a PNG per chart", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const input = reportInput(join(outDir, "nested"));
    const files = await writeReport(input);
    input.model.dispose();
    assert.equal(files.html, join(outDir, "nested", "report.html"));
    assert.deepEqual(files.images.map((p) => basename(p)), [
      "training_history.png",
      "samples.png",
      "misclassified.png",
      "confusion_matrix.png",
      "filters.png",
      "probabilities.png",
    ]);
    const html = await Deno.readTextFile(files.html);
    // assert.ok, not assert.match: a failure must not print the 200 kB page.
    for (const id of SECTIONS) assert.ok(html.includes(`<section id="${id}">`), id);
    for (
      const text of [
        `Misclassified: ${input.evaluation.wrong} of 120`,
        "63,050",
        "rmsprop (learning rate 0.001)",
      ]
    ) {
      assert.ok(html.includes(text), text);
    }
    assert.ok(/Test sample \d+: the most confidently wrong prediction\./.test(html), "probe");
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "nothing is fetched from a network");
    const sizes = inlineSvgSizes(html);
    assert.equal(sizes.length, files.images.length);
    for (const [i, path] of files.images.entries()) {
      const png = await Deno.readFile(path);
      const { width, height } = decodePng(png);
      assert.equal(width, sizes[i]!.width * 2, `${basename(path)} is drawn at twice the SVG size`);
      assert.equal(height, sizes[i]!.height * 2);
      assert.ok(inkedPixels(png).inked > 0.02 * width * height, `${basename(path)} is blank`);
      assert.ok(html.includes(`href="${basename(path)}"`), `${basename(path)} is linked`);
    }
    const leftovers = [...Deno.readDirSync(join(outDir, "nested"))].filter((e) =>
      e.name.endsWith(".tmp")
    );
    assert.deepEqual(leftovers, []);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("writeReport() explains a missing history and works for the MLP", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const input = reportInput(outDir, "mlp");
    const files = await writeReport({ ...input, metadata: { ...input.metadata, history: [] } });
    input.model.dispose();
    const html = await Deno.readTextFile(files.html);
    assert.ok(html.includes("No training history was saved"));
    const filters = html.slice(html.indexOf('<section id="filters">'));
    assert.ok(filters.startsWith('<section id="filters"><h2>First-layer filters</h2><figure><img'));
    assert.equal(files.images.length, 5);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
