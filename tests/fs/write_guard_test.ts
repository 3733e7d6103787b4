import assert from "node:assert/strict";
import { atomicWrite } from "../../lib/fs/atomic_write.ts";
import { replaceDir } from "../../lib/fs/replace_dir.ts";
import { userMessage } from "../../lib/cli/run_task.ts";

// Built with full permissions; the tests below run with write access to `reports` only.
const root = await Deno.makeTempDir();
const reports = `${root}/reports`;
const outside = `${root}/out`;
await Deno.mkdir(`${reports}/real`, { recursive: true });
await Deno.mkdir(outside);
await Deno.symlink(outside, `${reports}/x`);
await Deno.symlink(`${reports}/real`, `${reports}/inside`);

Deno.test({
  name: "atomicWrite() and replaceDir() refuse a symlink that leads outside the writable folders",
  permissions: { read: [root], write: [reports] },
  async fn() {
    // Deno itself checks the path as written, so this lands in `out` (the hole being closed).
    await Deno.writeTextFile(`${reports}/x/plain.txt`, "x");
    assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), ["plain.txt"]);
    await Deno.remove(`${reports}/x/plain.txt`);
    for (
      const attempt of [
        () => atomicWrite(`${reports}/x/chart.png`, "png"),
        () => atomicWrite(`${reports}/x/deeper/chart.png`, "png"),
        () => replaceDir(`${reports}/x/model`, { "model.json": new Uint8Array(1) }),
      ]
    ) {
      await assert.rejects(attempt(), (e) => {
        assert.ok(e instanceof Deno.errors.NotCapable);
        assert.match(
          userMessage(e)!,
          new RegExp(
            `^Refusing to write ${reports}/x/.*: ${reports}/x leads to ${outside} \\(a symlink\\), outside the folders this task may write`,
          ),
        );
        return true;
      });
    }
    assert.deepEqual([...Deno.readDirSync(outside)], [], "nothing written outside");
    // A symlink that stays inside the writable folder is fine.
    await atomicWrite(`${reports}/inside/chart.png`, "png");
    assert.equal(await Deno.readTextFile(`${reports}/real/chart.png`), "png");
  },
});

const fresh = await Deno.makeTempDir();

Deno.test({
  name: "atomicWrite() creates a writable folder that does not exist yet without reading above it",
  permissions: { read: [`${fresh}/reports`], write: [`${fresh}/reports`] },
  async fn() {
    await atomicWrite(`${fresh}/reports/mlp/report.html`, "<p>");
    assert.equal(await Deno.readTextFile(`${fresh}/reports/mlp/report.html`), "<p>");
  },
});

const linkedRoot = await Deno.makeTempDir();
await Deno.mkdir(`${linkedRoot}/bigger-disk`);
await Deno.symlink(`${linkedRoot}/bigger-disk`, `${linkedRoot}/models`);

Deno.test({
  name: "atomicWrite() accepts a writable folder that is itself a symlink (the user's own setup)",
  permissions: { read: [linkedRoot], write: [`${linkedRoot}/models`] },
  async fn() {
    await atomicWrite(`${linkedRoot}/models/mlp/model.json`, "{}");
    assert.equal(await Deno.readTextFile(`${linkedRoot}/bigger-disk/mlp/model.json`), "{}");
  },
});
