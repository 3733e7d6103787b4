import assert from "node:assert/strict";
import {
  colorModeFromEnv,
  rasterToTerminal,
  terminalGrid,
  tilesPerRow,
} from "../../lib/report/terminal_preview.ts";

const image = {
  width: 2,
  height: 3,
  channels: 1 as const,
  data: new Uint8Array([255, 0, 128, 64, 0, 255]),
};

Deno.test("rasterToTerminal() packs two pixel rows per line with upper half blocks", () => {
  const lines = rasterToTerminal(image, "truecolor").split("\n");
  assert.equal(lines.length, 2);
  assert.equal(
    lines[0],
    "\x1b[38;2;255;255;255;48;2;128;128;128m▀\x1b[38;2;0;0;0;48;2;64;64;64m▀\x1b[0m",
  );
  assert.match(lines[1]!, /48;2;0;0;0m▀/, "an odd last row gets a black lower half");
});

Deno.test("rasterToTerminal() maps grays to xterm-256 colours", () => {
  const line = rasterToTerminal({
    width: 2,
    height: 2,
    channels: 1,
    data: new Uint8Array([0, 128, 255, 8]),
  }, "256");
  assert.equal(line, "\x1b[38;5;16;48;5;231m▀\x1b[38;5;244;48;5;232m▀\x1b[0m");
});

Deno.test("rasterToTerminal() writes plain characters and no escape codes when colour is off", () => {
  const text = rasterToTerminal(image, "plain");
  assert.ok(!text.includes("\x1b"), "no escape codes");
  assert.deepEqual(text.split("\n").map((l) => l.length), [2, 2]);
});

Deno.test("colorModeFromEnv() honours NO_COLOR and COLORTERM", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(colorModeFromEnv(env({ NO_COLOR: "1", COLORTERM: "truecolor" })), "plain");
  assert.equal(colorModeFromEnv(env({ NO_COLOR: "" })), "256");
  assert.equal(colorModeFromEnv(env({ COLORTERM: "24bit" })), "truecolor");
  assert.equal(colorModeFromEnv(env({})), "256");
});

Deno.test("terminalGrid() lays tiles side by side with captions under each row", () => {
  const tile = (v: number) => ({
    width: 4,
    height: 2,
    channels: 1 as const,
    data: new Uint8Array(8).fill(v),
  });
  const text = terminalGrid(
    [{ image: tile(255), caption: "7" }, { image: tile(0), caption: "1 #12345" }, {
      image: tile(255),
      caption: "3",
    }],
    { columns: 2, mode: "plain" },
  );
  assert.deepEqual(text.split("\n"), ["@@@@     ", "7    1 #1", "@@@@", "3"]);
  assert.equal(tilesPerRow(80), 2);
  assert.equal(tilesPerRow(10), 1);
});
