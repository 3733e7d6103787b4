/**
 * Hostile PNGs for the reliability tests, built chunk by chunk: an inflation bomb, an image
 * whose first chunk is not IHDR, and one with a second, huge IHDR.
 */

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ -1) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit grayscale IHDR of the given size. */
export function ihdr(width: number, height: number): Uint8Array {
  const data = new Uint8Array(13);
  new DataView(data.buffer).setUint32(0, width);
  new DataView(data.buffer).setUint32(4, height);
  data[8] = 8;
  return chunk("IHDR", data);
}

/** Zlib data of `megabytes` MB of zeros, compressed as a stream (the zeros never exist). */
export async function zlibZeros(megabytes: number): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate");
  const writing = (async () => {
    const writer = stream.writable.getWriter();
    const block = new Uint8Array(1_000_000);
    for (let i = 0; i < megabytes; i++) await writer.write(block);
    await writer.close();
  })();
  const out = new Uint8Array(await new Response(stream.readable).arrayBuffer());
  await writing;
  return out;
}

/** Joins the PNG signature and chunks into a file. */
export function png(...chunks: Uint8Array[]): Uint8Array {
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Decodes `bytes` with `decodeImage` in a subprocess under a 64 MB V8 heap (`_decode_file.ts`)
 * and returns its message ("decoded" or the error's) and its peak RSS in kB.
 */
export async function decodeInSubprocess(
  bytes: Uint8Array,
): Promise<{ message: string; peakKb: number }> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/bomb.png`, bytes);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        // Reading /proc/self/status (the peak RSS) needs every permission in Deno.
        "--allow-all",
        "--v8-flags=--max-old-space-size=64",
        new URL("./_decode_file.ts", import.meta.url).pathname,
        `${dir}/bomb.png`,
      ],
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const [message, peakKb] = new TextDecoder().decode(out.stdout).trim().split("\n");
    return { message: message!, peakKb: Number(peakKb) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
