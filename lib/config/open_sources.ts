/**
 * Opens the `config_source` groups' drivers, as oslo.config's
 * `_load_alternative_sources` does: a source that cannot be opened is
 * reported and skipped, so the service still starts from its files.
 *
 * @module
 */
import { strOpt } from "./opt_scalar.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "./source.ts";

/** Opens every source listed in `[DEFAULT] config_source`, in order. */
export async function openSources(
  conf: { sourceHost(): SourceHost },
  drivers: readonly ConfigSourceDriver[],
): Promise<ConfigSource[]> {
  const host = conf.sourceHost();
  let groups: string[];
  try {
    groups = (host.get("DEFAULT", "config_source") as string[] | undefined) ?? [];
  } catch {
    return []; // reported by the final resolution with its location
  }
  const sources: ConfigSource[] = [];
  for (const group of groups) {
    host.registerOpts([
      strOpt("driver", {
        choices: drivers.map((d) => d.name),
        help: "The name of the driver that can load this configuration source.",
      }),
    ], group);
    let name: string | undefined;
    try {
      name = host.get(group, "driver") as string | undefined;
    } catch (e) {
      host.warn(`Could not load configuration from [${group}]: ${(e as Error).message}`);
      continue;
    }
    if (!name) {
      host.warn(`Could not load configuration from [${group}]: no 'driver' is set`);
      continue;
    }
    const driver = drivers.find((d) => d.name === name) as ConfigSourceDriver;
    try {
      sources.push(await driver.open(host, group));
    } catch (e) {
      host.warn(
        `Could not load configuration from [${group}] using the ${name} driver: ${
          (e as Error).message
        }`,
      );
    }
  }
  return sources;
}
