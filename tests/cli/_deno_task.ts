/** Runs `deno task -q NAME …` from the project root as a user would, with deno.json's permissions. */

const ROOT = new URL("../../", import.meta.url).pathname;

/** What a task run printed and how it exited. */
export interface TaskRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno task -q …args` in the project root, stdin closed, colours off. */
export async function denoTask(args: string[]): Promise<TaskRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
