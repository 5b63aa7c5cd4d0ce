/**
 * The `environment` config-source driver (oslo.config's
 * `sources/_environment.py`): `OS_<GROUP>__<OPTION>` variables. The
 * environment is already read by default, ahead of the files; listing it as a
 * source as well makes it answer again after the files, as oslo.config's does.
 *
 * @module
 */
import { envVarName } from "../registry.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "../source.ts";

/** The `environment` driver. */
export const environmentDriver: ConfigSourceDriver = {
  name: "environment",
  opts: [],
  open(host: SourceHost): Promise<ConfigSource> {
    const env = host.env();
    return Promise.resolve({
      get(group, dest, opt) {
        const name = envVarName(group, dest);
        const value = env[name];
        if (value === undefined) return undefined;
        return {
          value: opt.multi ? [value] : value,
          location: { kind: "environment", detail: name },
        };
      },
    });
  },
};
