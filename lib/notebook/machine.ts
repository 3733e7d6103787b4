/**
 * One line naming the machine a notebook ran on, so saved outputs say where their numbers
 * come from (e.g. `AMD EPYC 7B13, 2 logical CPUs, linux x86_64, Deno 2.9.6`).
 *
 * @module
 */

/**
 * Describes this machine: CPU model (from `/proc/cpuinfo` on Linux, when readable), logical
 * CPUs, OS and architecture, and the Deno version.
 *
 * Reads `/proc/cpuinfo`; without `--allow-read` for it the CPU model is left out.
 *
 * @returns The description.
 *
 * @example
 * ```ts
 * import { describeMachine } from "./machine.ts";
 * if (!describeMachine().includes(`Deno ${Deno.version.deno}`)) throw new Error();
 * ```
 */
export function describeMachine(): string {
  let cpu: string | undefined;
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1]?.trim();
  } catch {
    // Not Linux, or no read permission: the model is optional.
  }
  return [
    ...(cpu ? [cpu] : []),
    `${navigator.hardwareConcurrency} logical CPUs`,
    `${Deno.build.os} ${Deno.build.arch}`,
    `Deno ${Deno.version.deno}`,
  ].join(", ");
}
