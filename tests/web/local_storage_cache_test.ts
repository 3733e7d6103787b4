import assert from "node:assert/strict";
import { localStorageVerdictCache } from "../../lib/web/local_storage_cache.ts";
import type { StoredVerdict } from "../../lib/engine/verdict_cache.ts";
import { engineVerdict } from "../../lib/engine/engine_verdict.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

const verdict = (key: string, ok: boolean): StoredVerdict => ({
  key,
  adapter: "test adapter",
  ok,
  ...(ok ? { maxRelativeError: 1e-6 } : { reason: "differs" }),
  checkedAt: "2026-12-05T00:00:00.000Z",
});

Deno.test("localStorageVerdictCache keeps each plan's verdict in one localStorage entry", async () => {
  const key = `test-${crypto.randomUUID()}`;
  try {
    const cache = localStorageVerdictCache(localStorage, key);
    assert.deepEqual(await cache.read(), {});
    await cache.write("a", verdict("a", true));
    await cache.write("b", verdict("b", false));
    // A second cache on the same storage (the next page load) reads both.
    const again = localStorageVerdictCache(localStorage, key);
    assert.deepEqual(await again.read(), { a: verdict("a", true), b: verdict("b", false) });
    localStorage.setItem(key, "not json{");
    assert.deepEqual(await again.read(), {});
    await again.write("c", verdict("c", true));
    assert.deepEqual(Object.keys(await again.read()), ["c"]);
  } finally {
    localStorage.removeItem(key);
  }
});

Deno.test("localStorageVerdictCache without storage, or with full storage, reads empty and never throws", async () => {
  const full = {
    getItem: () => null,
    setItem: () => {
      throw new DOMException("quota", "QuotaExceededError");
    },
  };
  for (const cache of [localStorageVerdictCache(null), localStorageVerdictCache(full)]) {
    await cache.write("a", verdict("a", true));
    assert.deepEqual(await cache.read(), {});
  }
});

Deno.test({
  name: "engineVerdict({ cache }) runs the self-check once and then answers from localStorage",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const key = `test-${crypto.randomUUID()}`;
    try {
      const cache = localStorageVerdictCache(localStorage, key);
      const plan = { arch: getArchitecture("mlp"), batchSize: 8 };
      const first = await engineVerdict({ cache, plan });
      assert.equal(first.ok, true, first.reason);
      assert.equal(first.cached, false);
      assert.deepEqual(Object.keys(JSON.parse(localStorage.getItem(key)!)), [first.key]);
      const second = await engineVerdict({
        cache: localStorageVerdictCache(localStorage, key),
        plan,
      });
      assert.deepEqual({ ...second, cached: false }, first);
      assert.equal(second.cached, true);
    } finally {
      localStorage.removeItem(key);
    }
  },
});
