/** The page's URL parameters: defaults, the test's query, and one clear line for a bad value. */
import assert from "node:assert/strict";
import { pageParams } from "../../web/params.ts";
import { defaultWebConfig } from "../../lib/defaults.ts";

Deno.test("the page's parameters: defaults and the browser test's query", () => {
  const web = defaultWebConfig();
  assert.deepEqual(pageParams(""), {
    arch: web.arch,
    epochs: web.epochs,
    limit: 60_000,
    autostart: false,
  });
  assert.deepEqual(pageParams("?arch=cnn-deep&epochs=3&limit=2000&autostart=1"), {
    arch: "cnn-deep",
    epochs: 3,
    limit: 2000,
    autostart: true,
  });
});

Deno.test("a bad parameter is one line naming it and the allowed values", () => {
  const cases: [string, RegExp][] = [
    ["?arch=resnet", /^\?arch= must be one of mlp, cnn-basic, cnn-wide, cnn-deep, got "resnet"$/],
    ["?epochs=0", /^\?epochs= must be an integer between 1 and 100, got "0"$/],
    ["?epochs=1e3", /^\?epochs= must be an integer/],
    ["?limit=60001", /^\?limit= must be an integer between 128 and 60000/],
    ["?limit=-5", /^\?limit= must be an integer/],
    ["?autostart=yes", /^\?autostart= must be 0 or 1, got "yes"$/],
    [`?arch=${"x".repeat(10_000)}`, /got "x{40}"$/],
  ];
  for (const [query, message] of cases) assert.throws(() => pageParams(query), { message }, query);
});
