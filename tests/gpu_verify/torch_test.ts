import assert from "node:assert/strict";
import { findTorch } from "../../lib/gpu_verify/_torch.ts";

Deno.test("findTorch() reports each interpreter's real failure, not a guess", async () => {
  const found = await findTorch(["/nonexistent/python3", "/bin/false"]);
  assert.equal(found.torch, undefined);
  assert.equal(found.attempts.length, 2);
  assert.match(found.attempts[0]!, /^\/nonexistent\/python3: NotFound: /);
  assert.match(found.attempts[1]!, /^\/bin\/false: exit 1: /);
});

/** Runs findTorch(["/bin/false"]) in a Deno with LD_LIBRARY_PATH set, as on a GPU image. */
async function attemptUnder(allowRun: string): Promise<string> {
  const module = new URL("../../lib/gpu_verify/_torch.ts", import.meta.url).href;
  const code = `import { findTorch } from "${module}";\n` +
    `console.log((await findTorch(["/bin/false"])).attempts[0]);`;
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(script, code);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", allowRun, script],
      env: { LD_LIBRARY_PATH: "/usr/lib", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout).trim();
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("with LD_LIBRARY_PATH set a restricted --allow-run refuses the spawn; findTorch says so", async () => {
  // Why the kit's run.sh and task grant --allow-run unrestricted.
  assert.match(
    await attemptUnder("--allow-run=/bin/false"),
    /^\/bin\/false: NotCapable: Requires --allow-run permissions to spawn subprocess with LD_LIBRARY_PATH/,
  );
  assert.equal(await attemptUnder("--allow-run"), "/bin/false: exit 1:");
});
