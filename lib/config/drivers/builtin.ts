/**
 * The config-source drivers every `ConfigOpts` knows by default.
 *
 * @module
 */
import type { ConfigSourceDriver } from "../source.ts";
import { castellanDriver } from "./castellan.ts";
import { environmentDriver } from "./environment.ts";
import { remoteFileDriver } from "./remote_file.ts";
import { secretsDirDriver } from "./secrets_dir.ts";

/**
 * `remote_file`, `environment`, `secrets_dir` and `castellan` (Barbican).
 *
 * @example Their names
 * ```ts
 * import { BUILTIN_DRIVERS } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(BUILTIN_DRIVERS.map((d) => d.name), ["remote_file", "environment", "secrets_dir", "castellan"]);
 * ```
 */
export const BUILTIN_DRIVERS: readonly ConfigSourceDriver[] = [
  remoteFileDriver,
  environmentDriver,
  secretsDirDriver,
  castellanDriver,
];
