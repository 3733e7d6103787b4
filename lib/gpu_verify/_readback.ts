/**
 * The fixed cost of one GPU→CPU readback on this runtime, measured on an idle queue: a
 * 16-byte copy, a submit and `mapAsync`. Deno's `mapAsync` polls, then sleeps 10 ms before
 * checking again, so this is ≥ 10 ms whatever the GPU (11.3–11.7 ms measured on an H100 and
 * on llvmpipe). A timed epoch reads back once; the kit takes this off to get the step time.
 *
 * @module
 */

/**
 * Median wall time of `count` readbacks of 16 bytes.
 *
 * @param device The device to read back from.
 * @param count How many readbacks (≥ 1).
 * @returns Milliseconds per readback, and each sample.
 */
export async function readbackCost(
  device: GPUDevice,
  count = 7,
): Promise<{ ms: number; samples: number[] }> {
  const source = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    label: "readback-probe",
  });
  const staging = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    label: "readback-probe-staging",
  });
  const samples: number[] = [];
  try {
    await device.queue.onSubmittedWorkDone();
    for (let i = 0; i < Math.max(1, count); i++) {
      const start = performance.now();
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(source, 0, staging, 0, 16);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, 16);
      staging.unmap();
      samples.push(performance.now() - start);
    }
  } finally {
    source.destroy();
    staging.destroy();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)]!, samples };
}
