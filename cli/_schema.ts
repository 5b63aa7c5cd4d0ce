/**
 * Where the config tools get their schema: `--opt-data` (oslo-config-generator's
 * YAML or JSON), the built-in `oslo-edge` namespace (this service's options),
 * or other namespaces through an installed `oslo-config-generator`.
 *
 * @module
 */
import { ConfigError, loadSchema, type Schema, schemaFromGroups } from "../lib/config/mod.ts";

/** Reads the schema from --opt-data or --namespace. */
export async function schemaFor(
  namespaces: string[],
  optData: string | undefined,
): Promise<Schema> {
  if (namespaces.length > 0) {
    const builtin = namespaces.filter((n) => n === "oslo-edge");
    const others = namespaces.filter((n) => n !== "oslo-edge");
    if (others.length === 0) {
      const { serviceConfig } = await import("../functions/service.ts");
      return schemaFromGroups(serviceConfig().groups());
    }
    if (builtin.length > 0) {
      throw new ConfigError("Cannot mix the oslo-edge namespace with oslo namespaces");
    }
    const out = await new Deno.Command("oslo-config-generator", {
      args: [...others.flatMap((n) => ["--namespace", n]), "--format", "yaml"],
      stdout: "piped",
      stderr: "piped",
    }).output().catch(() => {
      throw new ConfigError(
        "Cannot read namespaces without oslo-config-generator: install python3-oslo.config or pass --opt-data",
      );
    });
    if (!out.success) {
      throw new ConfigError(
        `oslo-config-generator failed: ${new TextDecoder().decode(out.stderr).trim()}`,
      );
    }
    return await loadSchema(new TextDecoder().decode(out.stdout));
  }
  if (optData) {
    let text: string;
    try {
      text = await Deno.readTextFile(optData);
    } catch (e) {
      throw new ConfigError(`Cannot read --opt-data "${optData}": ${(e as Error).message}`);
    }
    return await loadSchema(text);
  }
  throw new ConfigError("Neither namespace nor opt-data provided.");
}
