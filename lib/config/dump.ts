/**
 * Dumps of every value with secrets masked, as oslo.config's `log_opt_values`.
 * A value is masked when its option is declared secret and also when it came
 * from a secret store or substitutes a secret (`ResolvedValue.secret`).
 *
 * @module
 */
import { pyStr } from "./py.ts";
import { REDACTED } from "./redact.ts";
import type { OptRegistry, Registered } from "./registry.ts";

/** The value of an option and whether it must not be shown. */
type Get = (group: string, name: string) => { value: unknown; secret?: boolean | undefined };

/** Every value by group, secrets shown as `****`. */
export function redactedValues(
  registry: OptRegistry,
  get: Get,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const reg of registry.opts) {
    if (!reg) continue;
    const { group, opt } = reg;
    const g = out[group] ??= {};
    const v = get(group, opt.dest);
    g[opt.name] = opt.secret || v.secret ? REDACTED : v.value;
  }
  return out;
}

/** The lines `log_opt_values` writes: options sorted by name in each group, secrets as `****`. */
export function logOptValues(
  registry: OptRegistry,
  get: Get,
  sources: { args: readonly string[]; files: readonly string[] },
): string[] {
  const lines = ["*".repeat(80), "Configuration options gathered from:"];
  lines.push(`command line args: ${pyStr([...sources.args])}`);
  lines.push(`config files: ${pyStr([...sources.files])}`, "=".repeat(80));
  for (const g of registry.groups.values()) {
    const regs = g.opts.map((o) => registry.get(g.name, o.dest) as Registered)
      .sort((a, b) => a.opt.dest < b.opt.dest ? -1 : 1);
    for (const reg of regs) {
      const label = g.name === "DEFAULT" ? reg.opt.dest : `${g.name}.${reg.opt.dest}`;
      const v = get(reg.group, reg.opt.dest);
      const value = reg.opt.secret || v.secret ? REDACTED : pyStr(v.value ?? null);
      lines.push(`${label.padEnd(30)} = ${value}`);
    }
  }
  lines.push("*".repeat(80));
  return lines;
}
