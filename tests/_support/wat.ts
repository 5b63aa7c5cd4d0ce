/**
 * Compiles WebAssembly text with Debian's wabt (`wat2wasm`) for tests.
 *
 * @module
 */

/** Compiles a .wat file to a .wasm file in `outDir`; fails with an install hint when wabt is missing. */
export async function compileWat(watPath: string, outDir: string): Promise<string> {
  const out = `${outDir}/${watPath.replace(/^.*\//, "").replace(/\.wat$/, "")}.wasm`;
  let res: Deno.CommandOutput;
  try {
    res = await new Deno.Command("wat2wasm", { args: [watPath, "-o", out], stderr: "piped" })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        "wat2wasm is not installed: run `deno task setup` (or apt-get install -y wabt)",
      );
    }
    throw e;
  }
  if (!res.success) {
    throw new Error(`wat2wasm ${watPath} failed: ${new TextDecoder().decode(res.stderr)}`);
  }
  return out;
}
