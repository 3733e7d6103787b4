import assert from "node:assert/strict";
import { ARCHITECTURES } from "../../lib/models/architectures.ts";
import {
  ARCHITECTURE_TABLE_HEADER,
  architectureTableRows,
  renderArchitectureTable,
} from "../../lib/models/architecture_table.ts";

const README = new URL("../../README.md", import.meta.url);

/** The cells of each row of the README table whose header starts like ours. */
function readmeTable(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| name") && l.includes("params"));
  assert.ok(start >= 0, "README.md has an architecture table");
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, -1).split("|").map((cell) => cell.trim()));
  }
  return rows;
}

Deno.test("the README's architecture table equals the one rendered from ARCHITECTURES", async () => {
  const [header, _rule, ...rows] = readmeTable(await Deno.readTextFile(README));
  const expected = architectureTableRows(Object.values(ARCHITECTURES));
  assert.deepEqual(
    [header, ...rows],
    [[...ARCHITECTURE_TABLE_HEADER], ...expected],
    `README.md's table is stale; paste this one:\n${
      renderArchitectureTable(Object.values(ARCHITECTURES))
    }`,
  );
});

Deno.test("the architecture table follows a registry change", () => {
  const changed = { ...ARCHITECTURES["mlp"]!, expectedParams: 1234 };
  assert.equal(architectureTableRows([changed])[0]![4], "1,234");
});
