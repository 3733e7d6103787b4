/** Reading the repository's own source, for tests of its structure (imports, defaults). */

/** The repository root. */
export const ROOT: URL = new URL("../", import.meta.url);

/** Every `.ts` file under `dir` (repository-relative), recursively. */
export function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, ROOT))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/**
 * The code of a repository file without its comments, so doc examples (`@example` blocks
 * import things and write values) are not counted as code.
 */
export function codeOf(file: string): string {
  return Deno.readTextFileSync(new URL(file, ROOT))
    .replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}
