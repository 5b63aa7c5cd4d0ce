/**
 * Runs a snippet under Debian's Python (/usr/bin/python3, which sees the Oslo
 * packages and their dependencies) with a JSON value on stdin; the snippet
 * reads it from `data` and assigns its answer to `result`, returned parsed.
 *
 * @module
 */

/** Runs `code` with `data` bound to the input; returns the snippet's `result`. */
export async function runPython<T>(code: string, data: unknown): Promise<T> {
  const program =
    `import json, sys\ndata = json.load(sys.stdin)\n${code}\nprint(json.dumps(result))\n`;
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-c", program],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(data)));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`python failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}
