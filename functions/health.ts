/**
 * Health router: `/healthcheck` (GET and HEAD), unauthenticated.
 *
 * @module
 */
import { Hono } from "hono";

/** The health router: `GET|HEAD /healthcheck` → `200 OK`. */
export function createHealthApp(): Hono {
  const app = new Hono();
  app.get("/healthcheck", (c) => c.text("OK"));
  return app;
}
