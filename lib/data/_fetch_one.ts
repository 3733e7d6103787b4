/**
 * One MNIST file from the first of a list of sources with a good copy: each source's bytes are
 * inflated only up to the file's expected size (a gzip bomb costs no more than a real file) and
 * SHA-256 checked; every attempt, rejection and the verification are reported as events, and the
 * error when none has it lists every source and why it failed. Used by `fetch_mnist.ts`.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";
import { type MnistFileSpec, verifyMnistFile } from "./checksums.ts";
import { gunzipIfNeeded } from "./gunzip.ts";
import { type DataSource, SourceMissingError } from "./_sources.ts";
import type { DataEvent, FetchedMnistFile } from "./fetch_mnist.ts";

/**
 * Tries `sources` in order for `spec`.
 *
 * @returns The verified file, and the labels of the sources whose copy was rejected first.
 * @throws {DatasetError} when no source has a good copy; the signal's reason when aborted.
 */
export async function fetchOne(
  spec: MnistFileSpec,
  sources: readonly DataSource[],
  emit: (event: DataEvent) => void,
  signal: AbortSignal | undefined,
): Promise<{ file: FetchedMnistFile; rejected: string[] }> {
  const failures: string[] = [];
  const rejected: string[] = [];
  for (const source of sources) {
    signal?.throwIfAborted();
    emit({ kind: "trying", file: spec.name, source: source.label });
    try {
      // Inflation stops at the expected size: a gzip bomb costs no more than a real file.
      const bytes = await gunzipIfNeeded(await source.read(spec), spec.name, spec.bytes);
      const sha256 = await verifyMnistFile(spec, bytes);
      emit({
        kind: "verified",
        file: spec.name,
        source: source.label,
        bytes: bytes.length,
        sha256,
        rejected,
      });
      return { file: { name: spec.name, source: source.label, bytes, sha256 }, rejected };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${source.label}: ${reason}`);
      const missing = error instanceof SourceMissingError;
      if (!missing) rejected.push(source.label);
      emit({
        kind: "failed",
        file: spec.name,
        source: source.label,
        reason,
        ...(missing ? { missing } : {}),
      });
    }
  }
  throw new DatasetError(`${spec.name}: no source has a good copy — ${failures.join("; ")}`);
}
