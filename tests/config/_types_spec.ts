/**
 * Type specs shared by the differential tests: the same spec builds oslo's
 * `types.X(**kwargs)` in the oracle and our converter here.
 *
 * @module
 */
import {
  booleanType,
  type ConfigType,
  dictType,
  floatType,
  hostAddressType,
  hostDomainType,
  hostnameType,
  integerType,
  ipAddressType,
  listType,
  multiStringType,
  portType,
  rangeType,
  stringType,
  uriType,
} from "../../lib/config/mod.ts";
import { pyFloatRepr as pyFloatReprFor } from "../../lib/config/py.ts";

/** A type as oslo's keyword arguments: `{kind: "Integer", min: 5}`. */
export type TypeSpec = { kind: string; [k: string]: unknown };

/** Builds our converter for a spec (throws where oslo's constructor throws). */
export function buildType(spec: TypeSpec): ConfigType<unknown> {
  const s = spec as unknown as Record<string, never>;
  const choices = s.choices as unknown as never;
  switch (spec.kind) {
    case "String":
      return stringType({
        ...(choices !== undefined ? { choices } : {}),
        ...(s.quotes ? { quotes: true } : {}),
        ...(s.regex !== undefined ? { regex: s.regex } : {}),
        ...(s.ignore_case ? { ignoreCase: true } : {}),
        ...(s.max_length !== undefined ? { maxLength: s.max_length } : {}),
      });
    case "Boolean":
      return booleanType();
    case "Integer":
      return integerType(numberOpts(s));
    case "Float":
      return floatType(numberOpts(s));
    case "Port":
      return portType(numberOpts(s));
    case "Range":
      return rangeType({
        ...(s.min !== undefined ? { min: s.min } : {}),
        ...(s.max !== undefined ? { max: s.max } : {}),
        ...(s.inclusive !== undefined ? { inclusive: s.inclusive } : {}),
      }) as ConfigType<unknown>;
    case "List":
      return listType(
        s.item_type ? buildType(s.item_type as TypeSpec) : stringType(),
        s.bounds ? { bounds: true } : {},
      ) as ConfigType<unknown>;
    case "Dict":
      return dictType(
        s.value_type ? buildType(s.value_type as TypeSpec) : stringType(),
        s.bounds ? { bounds: true } : {},
      ) as ConfigType<unknown>;
    case "IPAddress":
      return ipAddressType(s.version);
    case "Hostname":
      return hostnameType();
    case "HostAddress":
      return hostAddressType(s.version);
    case "HostDomain":
      return hostDomainType(s.version);
    case "URI":
      return uriType({
        ...(s.schemes ? { schemes: s.schemes } : {}),
        ...(s.max_length !== undefined ? { maxLength: s.max_length } : {}),
      });
    case "MultiString":
      return multiStringType();
  }
  throw new Error(`unknown kind ${spec.kind}`);
}

function numberOpts(s: Record<string, never>) {
  return {
    ...(s.min !== undefined ? { min: s.min } : {}),
    ...(s.max !== undefined ? { max: s.max } : {}),
    ...(s.choices !== undefined ? { choices: s.choices } : {}),
  };
}

/** Encodes our result the way the oracle encodes Python's. */
export function encode(value: unknown, spec: TypeSpec): unknown {
  if (value === null || value === undefined) return null;
  switch (spec.kind) {
    case "Integer":
    case "Port":
      return { int: String(value) };
    case "Float":
      return { float: pyFloatReprFor(value as number) };
    case "Range": {
      const r = value as { start: number; stop: number; step: number };
      return { range: [r.start, r.stop, r.step] };
    }
    case "List":
      return (value as unknown[]).map((v) =>
        encode(v, (spec.item_type as TypeSpec) ?? { kind: "String" })
      );
    case "Dict":
      return {
        dict: Object.entries(value as Record<string, unknown>).map((
          [k, v],
        ) => [k, encode(v, (spec.value_type as TypeSpec) ?? { kind: "String" })]),
      };
    default:
      return value;
  }
}
