/**
 * The CPU engine's worker threads: each instantiates the kernel module on the shared memory
 * and stays inside its `worker` export (waiting on the control block with
 * `memory.atomic.wait32`) until the engine quits. Under Deno, workers start from a `data:`
 * URL, so they need no permission (no file read, no `blob:` URL) under a task's narrow flags;
 * in a page, from a `blob:` URL of the page's origin (see `workerSource`).
 *
 * @module
 */

/** What a worker is sent once. */
interface WorkerInit {
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  ctl: number;
  tid: number;
  stackTop: number;
}

/** The body of each worker; it runs from its source text, so it refers to nothing outside. */
function workerMain(): void {
  const scope = globalThis as unknown as {
    onmessage: (event: MessageEvent) => void;
    postMessage: (message: unknown) => void;
  };
  scope.onmessage = (event: MessageEvent) => {
    const init = event.data as WorkerInit;
    const module = new WebAssembly.Module(init.bytes);
    const instance = new WebAssembly.Instance(module, { env: { memory: init.memory } });
    const exports = instance.exports as {
      __stack_pointer: WebAssembly.Global;
      worker: (ctl: number, tid: number) => void;
    };
    exports.__stack_pointer.value = init.stackTop;
    scope.postMessage("ready");
    exports.worker(init.ctl, init.tid);
    scope.postMessage("done");
  };
}

let workerUrl: string | undefined;

/**
 * Where workers start from: in a page (an http(s) origin), a `blob:` URL of the page's own
 * origin, so they share its agent cluster and may receive its shared memory (a `data:`
 * worker has an opaque origin); elsewhere (Deno) a `data:` URL, which needs no permission.
 */
function workerSource(): string {
  if (workerUrl) return workerUrl;
  const source = `(${workerMain.toString()})();`;
  const inPage = /^https?:$/.test(globalThis.location?.protocol ?? "");
  workerUrl = inPage
    ? URL.createObjectURL(new Blob([source], { type: "text/javascript" }))
    : `data:text/javascript;base64,${btoa(source)}`;
  return workerUrl;
}

/**
 * Starts `stacks.length` workers (thread ids 1…) and resolves once all are inside the module.
 *
 * @throws {Error} when a worker fails to start.
 */
export async function startWorkers(
  bytes: Uint8Array<ArrayBuffer>,
  memory: WebAssembly.Memory,
  ctl: number,
  stacks: number[],
): Promise<Worker[]> {
  const workers: Worker[] = [];
  try {
    await Promise.all(stacks.map((stackTop, i) => {
      const worker = new Worker(workerSource(), { type: "module" });
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`CPU engine worker ${i + 1} failed to start: ${event.message}`));
        };
        worker.postMessage({ bytes, memory, ctl, tid: i + 1, stackTop } satisfies WorkerInit);
      });
    }));
  } catch (error) {
    workers.forEach((w) => w.terminate());
    throw error;
  }
  return workers;
}
