/**
 * Embedded OPA: a compiled policy (`opa build -t wasm`: a `bundle.tar.gz` or
 * a bare `policy.wasm`) evaluated in-process with `@open-policy-agent/opa-wasm`,
 * so an edge isolate decides with no network call. A bundle's `data.json`
 * files become the policy's data.
 *
 * Data paths map to the module's entrypoints (`identity/get_user`); a path
 * the module has no entrypoint for is an undefined document. Errors the SDK
 * throws (aborts, missing built-ins) become {@linkcode OpaError}s.
 *
 * @module
 */
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { OpaError, PolicyFileError } from "./errors.ts";
import type { OpaEngine } from "./opa_check.ts";

/** The SDK's loaded policy, as far as this module uses it. */
interface LoadedPolicy {
  entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint: string | number): { result: unknown }[];
  setData(data: unknown): void;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function cstring(block: Uint8Array, start: number, len: number): string {
  const slice = block.subarray(start, start + len);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end < 0 ? slice : slice.subarray(0, end));
}

/** The regular files of a tar archive (ustar and GNU long names), by path without a leading `/`. */
export function untar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(cstring(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156]!);
    const prefix = cstring(header, 345, 155);
    let name = longName ??
      (prefix ? `${prefix}/${cstring(header, 0, 100)}` : cstring(header, 0, 100));
    longName = null;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === "L") longName = cstring(body, 0, size);
    else if (type === "0" || type === "\0") {
      name = name.replace(/^\.?\/+/, "");
      files.set(name, body.slice());
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function mergeData(into: Record<string, unknown>, path: string, value: unknown): void {
  const dirs = path.split("/").slice(0, -1).filter(Boolean);
  let node = into;
  for (const d of dirs) {
    const next = node[d];
    node = (next && typeof next === "object" ? next : (node[d] = {})) as Record<string, unknown>;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(node, value);
}

/** Reads a bundle (gzip tar) or a bare module: the Wasm bytes and the data. */
export async function readOpaBundle(
  bytes: Uint8Array,
  name: string,
): Promise<{ wasm: Uint8Array; data: Record<string, unknown> | undefined }> {
  if (bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) {
    return { wasm: bytes, data: undefined };
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new PolicyFileError(
      name,
      "not a Wasm module (\\0asm) nor a gzip bundle (opa build -t wasm)",
    );
  }
  const files = untar(await gunzip(bytes));
  const wasm = [...files].find(([p]) => p === "policy.wasm" || p.endsWith("/policy.wasm"))?.[1];
  if (!wasm) {
    throw new PolicyFileError(
      name,
      "the bundle has no policy.wasm (build it with opa build -t wasm)",
    );
  }
  let data: Record<string, unknown> | undefined;
  for (const [p, body] of files) {
    if (p !== "data.json" && !p.endsWith("/data.json")) continue;
    try {
      mergeData(data ??= {}, p, JSON.parse(new TextDecoder().decode(body)));
    } catch (e) {
      throw new PolicyFileError(`${name}!${p}`, `data.json is not JSON: ${(e as Error).message}`);
    }
  }
  return { wasm, data };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(typeof e === "string" ? e : JSON.stringify(e));
}

/** An {@linkcode OpaEngine} over a compiled policy. */
export class OpaWasmEngine implements OpaEngine {
  readonly #policy: LoadedPolicy;
  constructor(policy: LoadedPolicy) {
    this.#policy = policy;
  }
  /** The module's entrypoints (data paths it can evaluate). */
  get entrypoints(): string[] {
    return Object.keys(this.#policy.entrypoints);
  }
  /** Replaces the policy's data document. */
  setData(data: unknown): void {
    this.#policy.setData(data);
  }
  evaluate(path: string, input: unknown): unknown {
    const entry = path.replace(/^\/+|\/+$/g, "");
    if (!Object.hasOwn(this.#policy.entrypoints, entry)) return undefined;
    let rs: { result: unknown }[];
    try {
      rs = this.#policy.evaluate(input, entry);
    } catch (e) {
      throw new OpaError(`OPA Wasm policy failed on ${entry}: ${asError(e).message}`, { cause: e });
    }
    if (!Array.isArray(rs)) {
      throw new OpaError(`OPA Wasm policy gave a result set that is not a list on ${entry}`);
    }
    return rs.length === 0 ? undefined : rs[0]?.result;
  }
}

/** Loads a compiled policy from bytes (bundle or module). */
export async function loadOpaWasmBytes(
  bytes: Uint8Array,
  name = "policy.wasm",
): Promise<OpaWasmEngine> {
  const { wasm, data } = await readOpaBundle(bytes, name);
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(wasm as BufferSource) as unknown as LoadedPolicy;
  } catch (e) {
    throw new PolicyFileError(name, `cannot load the Wasm policy: ${asError(e).message}`, {
      cause: e,
    });
  }
  if (data) policy.setData(data);
  return new OpaWasmEngine(policy);
}

/** Loads `[oslo_policy] opa_wasm_file`. */
export async function loadOpaWasm(path: string): Promise<OpaWasmEngine> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new PolicyFileError(path, `cannot read the OPA Wasm policy: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return await loadOpaWasmBytes(bytes, path);
}
