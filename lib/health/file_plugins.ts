/**
 * oslo.middleware's file backends: `disable_by_file`, `disable_by_files_ports`
 * (5.0.0) and `enable_by_files` (later releases), with their reasons and
 * details word for word. A path "exists" as `os.path.exists` says: `stat`
 * (following links) succeeds; any error counts as missing.
 *
 * @module
 */
import { HealthConfigError } from "./errors.ts";
import type { HealthcheckResult, HealthPlugin, PerPortResult } from "./plugin.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Receives the warnings oslo.middleware logs (a backend enabled without its option). */
export type WarningSink = (message: string) => void;

/**
 * `disable_by_file`: unavailable (`DISABLED BY FILE`) while the file exists.
 *
 * @example
 * ```ts
 * import { disableByFile } from "./file_plugins.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const plugin = disableByFile({ path: `${dir}/disable` });
 * assert.equal((await plugin.probe(AbortSignal.timeout(1000)) as { reason: string }).reason, "OK");
 * await Deno.writeTextFile(`${dir}/disable`, "");
 * const r = await plugin.probe(AbortSignal.timeout(1000));
 * assert.deepEqual(r, {
 *   available: false,
 *   reason: "DISABLED BY FILE",
 *   details: `Path '${dir}/disable' was found`,
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function disableByFile(
  options: { path?: string | undefined; warn?: WarningSink },
): HealthPlugin {
  const path = options.path;
  if (!path) {
    options.warn?.("DisableByFile healthcheck middleware enabled without disable_by_file_path set");
  }
  return {
    name: "disable_by_file",
    kind: "file",
    async probe(): Promise<HealthcheckResult> {
      if (!path) {
        return {
          available: true,
          reason: "OK",
          details: "No 'disable_by_file_path' configuration value specified",
        };
      }
      return await exists(path)
        ? { available: false, reason: "DISABLED BY FILE", details: `Path '${path}' was found` }
        : { available: true, reason: "OK", details: `Path '${path}' was not found` };
    },
  };
}

/**
 * Parses `disable_by_file_paths` (`port:path` items, split on the first `:`);
 * throws {@linkcode HealthConfigError} for an item without a numeric port.
 *
 * @example
 * ```ts
 * import { parsePortPaths } from "./file_plugins.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...parsePortPaths(["5000:/run/a", "35357:C:/b"])], [[5000, "/run/a"], [35357, "C:/b"]]);
 * ```
 */
export function parsePortPaths(items: readonly string[]): Map<number, string> {
  const map = new Map<number, string>();
  for (const raw of items) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.indexOf(":");
    const port = colon < 0 ? NaN : Number(item.slice(0, colon).trim());
    if (!Number.isInteger(port)) {
      throw new HealthConfigError(
        "healthcheck/disable_by_file_paths",
        `Invalid item "${item}" in [healthcheck] disable_by_file_paths: expected port:path, e.g. 5000:/var/run/keystone/healthcheck_disable`,
      );
    }
    map.set(port, item.slice(colon + 1));
  }
  return map;
}

/**
 * `disable_by_files_ports`: for a request on a port with a file configured,
 * unavailable while that file exists; a port without a file is OK (warned once).
 *
 * @example
 * ```ts
 * import { disableByFilesPorts } from "./file_plugins.ts";
 * import { resultFor } from "./plugin.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/admin`, "");
 * const plugin = disableByFilesPorts({ paths: [`5000:${dir}/public`, `35357:${dir}/admin`] });
 * const observed = await plugin.probe(AbortSignal.timeout(1000));
 * assert.equal(resultFor(observed, 5000).available, true);
 * assert.equal(resultFor(observed, 35357).reason, "DISABLED BY FILE");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function disableByFilesPorts(
  options: { paths: readonly string[]; warn?: WarningSink },
): HealthPlugin {
  const files = parsePortPaths(options.paths);
  for (const [port, path] of files) if (path === "") files.delete(port); // oslo: `if not path`
  const warned = new Set<number>();
  const onOtherPort = (port: number) => {
    if (warned.has(port)) return;
    warned.add(port);
    options.warn?.(
      port === 0
        ? "DisableByFilesPorts healthcheck middleware cannot tell the port a request came in on (the server does not say; set PORT): no port's file applies"
        : `DisableByFilesPorts healthcheck middleware enabled without disable_by_file_paths set for port ${port}`,
    );
  };
  return {
    name: "disable_by_files_ports",
    kind: "file",
    async probe(): Promise<PerPortResult> {
      const byPort = new Map<number, HealthcheckResult>();
      for (const [port, path] of files) {
        const disabled = path !== "" && await exists(path);
        byPort.set(
          port,
          disabled ? { available: false, reason: "DISABLED BY FILE" } : OK_NO_DETAILS,
        );
      }
      return { byPort, otherPorts: OK_NO_DETAILS, onOtherPort };
    },
  };
}

const OK_NO_DETAILS: HealthcheckResult = Object.freeze({ available: true, reason: "OK" });

/**
 * `enable_by_files`: unavailable (`FILE PATH MISSING`) when the first of the
 * paths is missing (a mount marker gone).
 *
 * @example
 * ```ts
 * import { enableByFiles } from "./file_plugins.ts";
 * import { resultFor } from "./plugin.ts";
 * import assert from "node:assert/strict";
 *
 * const plugin = enableByFiles({ paths: ["/nonexistent/.marker"] });
 * const r = resultFor(await plugin.probe(AbortSignal.timeout(1000)), 80);
 * assert.deepEqual(r, {
 *   available: false,
 *   reason: "FILE PATH MISSING",
 *   details: "File path /nonexistent/.marker is missing",
 * });
 * ```
 */
export function enableByFiles(options: { paths: readonly string[] }): HealthPlugin {
  const paths = [...options.paths];
  return {
    name: "enable_by_files",
    kind: "file",
    async probe(): Promise<HealthcheckResult> {
      for (const path of paths) {
        if (!await exists(path)) {
          return {
            available: false,
            reason: "FILE PATH MISSING",
            details: `File path ${path} is missing`,
          };
        }
      }
      return { available: true, reason: "OK", details: "Specified file paths are available" };
    },
  };
}
