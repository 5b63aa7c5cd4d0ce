/**
 * The `secrets_dir` config-source driver: secrets mounted as one file per
 * secret, as Kubernetes (`secret` volumes, `..data` symlinks) and Docker
 * (`/run/secrets`) mount them. A file named `<group>.<option>`
 * (`database.connection`, `DEFAULT.transport_url`) or `OS_<GROUP>__<OPTION>`
 * holds the value of that option; a `mapping_file` (`[group] option = file`)
 * may name files otherwise. One trailing newline is dropped. Files are read
 * at load and again on each reload; their contents are secret whatever the
 * option's declaration: they never appear in messages, logs or dumps.
 *
 *     [DEFAULT]
 *     config_source = mounted
 *
 *     [mounted]
 *     driver = secrets_dir
 *     path = /run/secrets
 *
 * @module
 */
import { ConfigSourceError } from "../errors.ts";
import { normalizeGroupName, parseConfigText } from "../namespace.ts";
import { boolOpt, strOpt } from "../opt_scalar.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "../source.ts";

const OPTS = [
  strOpt("path", {
    required: true,
    sampleDefault: "/run/secrets",
    help: "Directory where secrets are mounted, one file per secret.",
  }),
  strOpt("mapping_file", {
    help: "An INI file mapping options to file names in `path` ([group] option = file); " +
      "without it, files are named <group>.<option> or OS_<GROUP>__<OPTION>.",
  }),
  boolOpt("strip_trailing_newline", {
    default: true,
    help: "Drop one trailing newline from each file, as `echo` and editors add one.",
  }),
];

const MAX_BYTES = 1 << 20;

/** Reads the mounted secrets: (group, dest) → file path. */
async function secretFiles(
  group: string,
  dir: string,
  mapping?: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (mapping) {
    let text: string;
    try {
      text = await Deno.readTextFile(mapping);
    } catch (e) {
      throw new ConfigSourceError(
        group,
        `Cannot read [${group}] mapping_file "${mapping}": ${(e as Error).message}`,
      );
    }
    for (const e of parseConfigText({ name: mapping, text }).entries) {
      if (e.value.includes("/") || e.value.startsWith(".")) {
        throw new ConfigSourceError(
          group,
          `Cannot use [${group}] mapping_file "${mapping}" line ${e.line}: file names must stay inside ${dir}`,
        );
      }
      out.set(`${normalizeGroupName(e.section)}\u0000${e.key}`, `${dir}/${e.value}`);
    }
    return out;
  }
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith(".")) continue; // Kubernetes' ..data and ..<timestamp>
      const env = /^OS_([A-Z0-9_]+?)__([A-Z0-9_]+)$/.exec(e.name);
      const dot = e.name.indexOf(".");
      if (env) {
        const g = env[1] === "DEFAULT" ? "DEFAULT" : (env[1] as string).toLowerCase();
        out.set(`${g}\u0000${(env[2] as string).toLowerCase()}`, `${dir}/${e.name}`);
      } else if (dot > 0) {
        out.set(
          `${normalizeGroupName(e.name.slice(0, dot))}\u0000${e.name.slice(dot + 1)}`,
          `${dir}/${e.name}`,
        );
      }
    }
  } catch (e) {
    throw new ConfigSourceError(
      group,
      `Cannot read [${group}] path "${dir}": ${(e as Error).message}`,
    );
  }
  return out;
}

/** The `secrets_dir` driver. */
export const secretsDirDriver: ConfigSourceDriver = {
  name: "secrets_dir",
  opts: OPTS,
  async open(host: SourceHost, group: string): Promise<ConfigSource> {
    host.registerOpts(OPTS, group);
    const dir = (host.get(group, "path") as string | undefined)?.replace(/\/+$/, "");
    if (!dir) throw new ConfigSourceError(group, `Cannot open [${group}]: no 'path' is set`);
    const strip = host.get(group, "strip_trailing_newline") !== false;
    const files = await secretFiles(
      group,
      dir,
      host.get(group, "mapping_file") as string | undefined,
    );
    const values = new Map<string, { value: string; path: string }>();
    for (const [key, path] of files) {
      try {
        const info = await Deno.stat(path);
        if (!info.isFile) continue;
        if (info.size > MAX_BYTES) {
          host.warn(`Skipping secret file ${path}: larger than ${MAX_BYTES} bytes`);
          continue;
        }
        const text = await Deno.readTextFile(path);
        values.set(key, { value: strip ? text.replace(/\r?\n$/, "") : text, path });
      } catch {
        host.warn(`Skipping secret file ${path}: it cannot be read`);
      }
    }
    return {
      get(g, dest, opt) {
        const hit = values.get(`${g}\u0000${dest}`);
        if (!hit) return undefined;
        return {
          value: opt.multi ? [hit.value] : hit.value,
          location: { kind: "driver", detail: hit.path },
          secret: true,
        };
      },
    };
  },
};
