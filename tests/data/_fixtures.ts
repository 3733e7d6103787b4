/**
 * Tiny MNIST look-alikes for the data tests: a few 28×28 images per split, their IDX files
 * (raw and gzip), a file table with their real hashes, and a loopback HTTP server.
 *
 * @module
 */
import { encodeIdx } from "../../lib/data/idx.ts";
import {
  type DataEvent,
  type FetchedMnist,
  fetchMnist,
  type FetchMnistOptions,
} from "../../lib/data/fetch_mnist.ts";
import {
  MNIST_FILE_KEYS,
  type MnistFileKey,
  type MnistFileTable,
  sha256Hex,
} from "../../lib/data/checksums.ts";

/** A tiny dataset: raw and gzip bytes per file name, and the table to verify them. */
export interface Fixture {
  table: MnistFileTable;
  /** Raw IDX files keyed by file name. */
  raw: Record<string, Uint8Array<ArrayBuffer>>;
  /** Gzip files keyed by file name plus `.gz`, as mirrors serve them. */
  gz: Record<string, Uint8Array<ArrayBuffer>>;
  /** Label values per split, to compare with what was loaded. */
  labels: { train: number[]; test: number[] };
}

const NAMES: Record<MnistFileKey, string> = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};

/** Gzip-compresses bytes with the platform `CompressionStream`. */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Builds `trainCount` + `testCount` samples whose pixels encode their index. */
export async function makeFixture(trainCount = 3, testCount = 2): Promise<Fixture> {
  const labels = {
    train: Array.from({ length: trainCount }, (_, i) => (i * 7) % 10),
    test: Array.from({ length: testCount }, (_, i) => (i * 3 + 1) % 10),
  };
  const images = (count: number, seed: number): Uint8Array =>
    Uint8Array.from({ length: count * 784 }, (_, i) => (i * 31 + seed) % 256);
  const contents: Record<MnistFileKey, Uint8Array<ArrayBuffer>> = {
    trainImages: encodeIdx(images(trainCount, 1), [trainCount, 28, 28]),
    trainLabels: encodeIdx(Uint8Array.from(labels.train), [trainCount]),
    testImages: encodeIdx(images(testCount, 2), [testCount, 28, 28]),
    testLabels: encodeIdx(Uint8Array.from(labels.test), [testCount]),
  };
  const dims: Record<MnistFileKey, number[]> = {
    trainImages: [trainCount, 28, 28],
    trainLabels: [trainCount],
    testImages: [testCount, 28, 28],
    testLabels: [testCount],
  };
  const table = {} as Record<MnistFileKey, MnistFileTable[MnistFileKey]>;
  const raw: Fixture["raw"] = {};
  const gz: Fixture["gz"] = {};
  for (const key of MNIST_FILE_KEYS) {
    const bytes = contents[key];
    table[key] = {
      name: NAMES[key],
      dims: dims[key],
      bytes: bytes.length,
      sha256: await sha256Hex(bytes),
    };
    raw[NAMES[key]] = bytes;
    gz[`${NAMES[key]}.gz`] = await gzip(bytes);
  }
  return { table, raw, gz, labels };
}

/** Writes each file of `files` into `dir`, creating it. */
export async function writeFiles(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await Deno.writeFile(`${dir}/${name}`, bytes);
}

/** A loopback HTTP server serving `files` by path (`/name.gz`); 404 otherwise. */
export interface FixtureServer {
  /** Base URL ending in `/`. */
  base: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a free port. */
export function serveFiles(files: Record<string, Uint8Array<ArrayBuffer>>): FixtureServer {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    const body = files[path.slice(1)];
    return body ? new Response(body) : new Response("no such file", { status: 404 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}/`,
    requests,
    close: () => server.shutdown(),
  };
}

/** Copies `files`, replacing one file's bytes (used to corrupt a single file). */
export function withFile(
  files: Record<string, Uint8Array<ArrayBuffer>>,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
): Record<string, Uint8Array<ArrayBuffer>> {
  return { ...files, [name]: bytes };
}

/**
 * fetchMnist() on a fixture table, with no npm and no mirrors unless given, and a fresh
 * verified-cache folder (never the project's); keeps the events.
 */
export async function fetchWithEvents(
  table: MnistFileTable,
  options: FetchMnistOptions,
): Promise<{ files: FetchedMnist; events: DataEvent[] }> {
  const events: DataEvent[] = [];
  const files = await fetchMnist({
    files: table,
    useNpm: false,
    mirrors: [],
    onEvent: (e) => events.push(e),
    cacheDir: options.cacheDir ?? await Deno.makeTempDir({ prefix: "mnist_own_cache_" }),
    ...options,
  });
  return { files, events };
}
