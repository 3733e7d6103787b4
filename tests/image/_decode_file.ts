/**
 * Subprocess for the memory tests: decodes the image file named in the first argument and
 * prints the error message (or "decoded") and then the process's peak RSS in kB.
 */
import { decodeImage } from "../../lib/image/decode_image.ts";

try {
  decodeImage(Deno.readFileSync(Deno.args[0]!), "bomb.png");
  console.log("decoded");
} catch (error) {
  console.log((error as Error).message);
}
console.log(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1] ?? "0");
