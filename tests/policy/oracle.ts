/**
 * Runs tests/policy/oracle.py (Debian's python3-oslo.policy) on a batch of
 * cases and returns its results, one per case.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The interpreter that sees Debian's oslo packages. */
export const PYTHON = "/usr/bin/python3";
const ORACLE = fileURLToPath(new URL("./oracle.py", import.meta.url));

/** Whether the oracle can run here (python3-oslo.policy installed). */
export async function oracleAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import oslo_policy"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Sends cases to the oracle in one process; throws with its stderr if it fails. */
export async function runOracle<R = Record<string, unknown>>(
  cases: readonly unknown[],
): Promise<R[]> {
  const child = new Deno.Command(PYTHON, {
    args: [ORACLE],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({ cases })));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`oracle.py failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)).results as R[];
}
