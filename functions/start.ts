/**
 * Start-up shared by the entries: build the service, print its warnings, and
 * on a configuration error print one clear line (no stack trace) and exit 1.
 *
 * @module
 */
import { ConfigError } from "../lib/config/mod.ts";
import { createService, type Service, type ServiceOptions, StartupError } from "./service.ts";

/** Builds the service from argv and the environment, or exits with the reason. */
export async function startService(
  args: readonly string[],
  options: Omit<ServiceOptions, "args"> = {},
): Promise<Service> {
  try {
    const service = await createService({ ...options, args });
    for (const w of service.warnings) console.warn(w);
    return service;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StartupError) {
      console.error(`oslo-edge: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
