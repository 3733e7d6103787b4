/**
 * The browser entry (`lib/web/mod.ts`) imports nothing Deno- or node-specific: every module
 * of its graph (`deno info --json`, type-only and dynamic imports included) is checked for a
 * `node:` import and for `Deno.` in its code (comments aside: doc examples run under Deno).
 * npm packages are listed by `deno info` without their files; the bundle step of the web app
 * covers those.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string }[];
}

/** What in the graph of `entry` is Deno- or node-specific, one line each. */
async function browserProblems(entry: string): Promise<{ problems: string[]; files: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: InfoModule[];
  };
  const problems: string[] = [];
  let files = 0;
  for (const m of modules) {
    if (m.specifier.startsWith("node:")) problems.push(`${m.specifier} is in the graph`);
    if (!m.specifier.startsWith("file:")) continue;
    files++;
    const name = m.specifier.slice(m.specifier.lastIndexOf("/lib/") + 1);
    for (const dep of m.dependencies ?? []) {
      if (dep.specifier.startsWith("node:")) problems.push(`${name} imports ${dep.specifier}`);
    }
    const code = (await Deno.readTextFile(fromFileUrl(m.specifier)))
      .replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const line = code.split("\n").find((l) => /\bDeno\./.test(l));
    if (line) problems.push(`${name} uses Deno: ${line.trim()}`);
  }
  return { problems, files };
}

Deno.test("lib/web/mod.ts reaches no node: import and no Deno. use", async () => {
  const entry = fromFileUrl(new URL("../../lib/web/mod.ts", import.meta.url));
  const { problems, files } = await browserProblems(entry);
  assert.ok(files > 30, `only ${files} modules: the walk did not follow the imports`);
  assert.deepEqual(problems, []);
});

Deno.test("the graph walk finds a node: import and a Deno. use two imports deep", async () => {
  const dir = await Deno.makeTempDir({
    dir: fromFileUrl(new URL("../../lib/web/", import.meta.url)),
  });
  try {
    await Deno.writeTextFile(`${dir}/entry.ts`, 'export { a } from "./a.ts";\n');
    await Deno.writeTextFile(
      `${dir}/a.ts`,
      'import type { B } from "./b.ts";\nexport const a: B = 1;\n',
    );
    await Deno.writeTextFile(
      `${dir}/b.ts`,
      'import { join } from "node:path";\n/** Deno. in a comment is fine */\n' +
        'export type B = number;\nexport const c = join("x", Deno.env.get("HOME") ?? "");\n',
    );
    const { problems } = await browserProblems(`${dir}/entry.ts`);
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems.join("\n"), /b\.ts imports node:path/);
    assert.match(problems.join("\n"), /b\.ts uses Deno: export const c = join/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
