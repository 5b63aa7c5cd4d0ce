/**
 * Config router: validates config text over HTTP against a built-in schema.
 *
 * `POST /v1/config/validate` `{ config, schema? }` → `{ valid, findings }`.
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { type SchemaGroup, validateConfigText } from "../lib/config/mod.ts";
import { jsonBody } from "./shell/json_body.ts";
import { HttpProblem } from "./shell/problem.ts";

/** What the config router needs. */
export interface ConfigAppDeps {
  /** Built-in schemas by name (the service's own is `oslo-edge`). */
  schemas: Readonly<Record<string, readonly SchemaGroup[]>>;
}

const ValidateBody = z.object({
  config: z.string().describe("INI text of the config file"),
  schema: z.string().default("oslo-edge").describe("name of a built-in schema"),
  file: z.string().optional().describe("file name to use in findings"),
});

/** The config router. */
export function createConfigApp(deps: ConfigAppDeps): Hono {
  const app = new Hono();
  app.post("/validate", jsonBody(ValidateBody), (c) => {
    const body = c.req.valid("json");
    const schema = deps.schemas[body.schema];
    if (!schema) {
      throw new HttpProblem("ERR_VALIDATION", `Unknown schema "${body.schema}"`, {
        errors: [{ path: "schema", message: `known: ${Object.keys(deps.schemas).join(", ")}` }],
      });
    }
    const findings = validateConfigText(
      body.config,
      schema,
      body.file === undefined ? {} : { file: body.file },
    );
    return c.json({ valid: !findings.some((f) => f.severity === "error"), findings });
  });
  return app;
}
