/**
 * Config router: oslo-config-validator and config migration over HTTP, for
 * edge nodes that cannot run the Python tools, and the service's own config
 * reload status.
 *
 * - `POST /v1/config/validate` `{ config, schema? | sample?, file?, check_defaults?,
 *   exclude_groups?, exclude_options?, fatal_warnings? }` → `{ valid, exit_status, findings }`
 * - `POST /v1/config/migrate` `{ config, schema? | sample?, file? }` →
 *   `{ text, changed, diff, changes, warnings }`
 * - `GET /v1/config/status` → load and reload counters, the last reload (no values)
 *
 * `schema` names a built-in schema (`oslo-edge`, and the samples in
 * `[config] sample_dir`); `sample` is `oslo-config-generator --format yaml|json`
 * output sent inline (within the body limit: a 413 says to use `sample_dir`). Findings and warnings never hold
 * the value of a secret option; `migrate` returns the submitted text rewritten.
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  compileExcludePatterns,
  ExcludePatternError,
  exitStatus,
  loadSchema,
  migrateConfigText,
  type ReloadStatus,
  type Schema,
  schemaFromGroups,
  type SchemaGroup,
  unifiedDiff,
  validateConfigText,
} from "../lib/config/mod.ts";
import { jsonBody } from "./shell/json_body.ts";
import { HttpProblem } from "./shell/problem.ts";

/**
 * What a 413 on `/v1/config/*` adds to its detail: real samples outgrow the
 * default body limit (Keystone's is about 330 KB, the limit 114688 bytes), and
 * are meant to be given by name.
 */
export const CONFIG_BODY_LIMIT_HINT =
  ": to validate against a large sample (Keystone's is about 330 KB), put it in [config] sample_dir " +
  'and name it with "schema" (keystone.yaml is "schema": "keystone") instead of sending it inline';

/** What the config router needs. */
export interface ConfigAppDeps {
  /** Built-in schemas by name (the service's own is `oslo-edge`). */
  schemas: Readonly<Record<string, Schema | readonly SchemaGroup[]>>;
  /** The service's reload status, when it has one. */
  status?: () => ReloadStatus;
}

const Source = {
  config: z.string().describe("INI text of the config file"),
  schema: z.string().optional().describe("name of a built-in schema (default oslo-edge)"),
  sample: z.string().optional().describe("oslo-config-generator --format yaml or json output"),
  file: z.string().max(255).optional().describe("file name to use in findings"),
};

const ValidateBody = z.object({
  ...Source,
  check_defaults: z.boolean().default(false),
  exclude_groups: z.array(z.string()).default([]),
  // The caller's regexes run on this server: an invalid one is a 400 naming it, and they are held to
  // lib/config's untrusted limits (count, length, no nested or many repetitions: ReDoS), with the
  // names they run against capped too (MAX_SAMPLE_NAME).
  exclude_options: z.array(z.string()).optional().superRefine((list, ctx) => {
    try {
      compileExcludePatterns(list ?? [], { untrusted: true });
    } catch (e) {
      if (!(e instanceof ExcludePatternError)) throw e;
      ctx.addIssue({ code: "custom", path: [e.index], message: e.message });
    }
  }),
  fatal_warnings: z.boolean().default(false),
}).refine((b) => !(b.schema && b.sample), {
  message: "give schema or sample, not both",
  path: ["sample"],
});

const MigrateBody = z.object(Source).refine((b) => !(b.schema && b.sample), {
  message: "give schema or sample, not both",
  path: ["sample"],
});

/**
 * The longest option name an inline sample may hold when the caller's
 * `exclude_options` run against its names: it bounds what a pattern can cost
 * (see lib/config's `compileExcludePatterns` for the limits on the patterns
 * themselves). OpenStack's longest is 59 characters.
 */
const MAX_SAMPLE_NAME = 80;

/** Parsed samples by content hash, per isolate (a few, most recent last). */
const SAMPLE_CACHE_SIZE = 8;

/** The config router. */
export function createConfigApp(deps: ConfigAppDeps): Hono {
  const app = new Hono();
  const cache = new Map<string, Schema>();
  const builtin = new Map<string, Schema>();

  async function schemaOf(
    body: { schema?: string | undefined; sample?: string | undefined },
  ): Promise<Schema> {
    if (body.sample !== undefined) {
      const digest = new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body.sample)),
      );
      const key = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      let schema = cache.get(key);
      if (!schema) {
        schema = await loadSchema(body.sample);
        if (cache.size >= SAMPLE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      } else cache.delete(key);
      cache.set(key, schema);
      return schema;
    }
    const name = body.schema ?? "oslo-edge";
    const known = deps.schemas[name];
    if (!known) {
      throw new HttpProblem("ERR_VALIDATION", `Unknown schema "${name}"`, {
        errors: [{ path: "schema", message: `known: ${Object.keys(deps.schemas).join(", ")}` }],
      });
    }
    let schema = builtin.get(name);
    if (!schema) {
      schema = Array.isArray(known)
        ? schemaFromGroups(known as readonly SchemaGroup[])
        : known as Schema;
      builtin.set(name, schema);
    }
    return schema;
  }

  app.post("/validate", jsonBody(ValidateBody), async (c) => {
    const body = c.req.valid("json");
    const schema = await schemaOf(body);
    if (body.sample !== undefined && body.check_defaults && body.exclude_options) {
      for (const g of schema.groups.values()) {
        const long = g.opts.find((o) => Math.max(o.name.length, o.dest.length) > MAX_SAMPLE_NAME);
        if (!long) continue;
        throw new HttpProblem("ERR_VALIDATION", "Invalid request body: 1 issue", {
          errors: [{
            path: "sample",
            message: `option [${g.name}] ${
              long.name.slice(0, 40)
            }... is longer than ${MAX_SAMPLE_NAME} characters: exclude_options cannot run against it`,
          }],
        });
      }
    }
    const findings = validateConfigText(body.config, schema, {
      ...(body.file === undefined ? {} : { file: body.file }),
      checkDefaults: body.check_defaults,
      excludeGroups: body.exclude_groups,
      ...(body.exclude_options ? { excludeOptions: body.exclude_options } : {}),
    });
    const status = exitStatus(findings, { fatalWarnings: body.fatal_warnings });
    return c.json({ valid: status === 0, exit_status: status, findings });
  });

  app.post("/migrate", jsonBody(MigrateBody), async (c) => {
    const body = c.req.valid("json");
    const file = body.file ?? "config";
    const result = migrateConfigText(body.config, await schemaOf(body), { file });
    return c.json({
      text: result.text,
      changed: result.text !== body.config,
      diff: unifiedDiff(body.config, result.text, { from: file, to: `${file} (migrated)` }),
      changes: result.changes,
      warnings: result.warnings,
    });
  });

  app.get("/status", (c) => {
    const s = deps.status?.();
    if (!s) return c.json({ loaded: false, reloads: 0, failed_reloads: 0, changes_applied: 0 });
    return c.json({
      loaded: s.loadedAt !== undefined,
      loaded_at: s.loadedAt?.toISOString(),
      reloads: s.reloads,
      failed_reloads: s.failedReloads,
      changes_applied: s.changesApplied,
      ...(s.last
        ? {
          last_reload: {
            ok: s.last.ok,
            at: s.last.at.toISOString(),
            changed: s.last.changes.map((ch) => `${ch.group}.${ch.name}`),
            ignored: s.last.ignored,
            ...(s.last.error ? { error: s.last.error } : {}),
          },
        }
        : {}),
    });
  });
  return app;
}
