/**
 * JSON bodies validated with zod, once, at the edge. A body that is not JSON is
 * a 400 problem (`ERR_MALFORMED_JSON`), never a 500; a body of another media
 * type is a 415; a body that fails the schema is a 400 listing each issue with
 * its path.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { HttpProblem, type ProblemIssue } from "./problem.ts";

/** Turns zod issues into problem issues with dotted paths. */
export function zodIssues(error: z.ZodError): ProblemIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(body)",
    message: i.message,
  }));
}

/**
 * Middleware that parses and validates the JSON body; handlers read it with
 * `c.req.valid("json")`.
 */
export function jsonBody<S extends z.ZodType>(
  schema: S,
): MiddlewareHandler<
  // deno-lint-ignore no-explicit-any
  any,
  string,
  { in: { json: z.input<S> }; out: { json: z.output<S> } }
> {
  return async function jsonBodyMiddleware(c, next) {
    const type = c.req.header("Content-Type") ?? "";
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
      throw new HttpProblem(
        "ERR_UNSUPPORTED_MEDIA_TYPE",
        `Cannot read a body of type "${type || "(none)"}": send Content-Type: application/json`,
      );
    }
    const text = await c.req.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new HttpProblem(
        "ERR_MALFORMED_JSON",
        `Cannot parse the request body as JSON: ${(e as Error).message}`,
      );
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      const issues = zodIssues(result.error);
      throw new HttpProblem(
        "ERR_VALIDATION",
        `Invalid request body: ${issues.length} issue${issues.length === 1 ? "" : "s"}`,
        { errors: issues },
      );
    }
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}
