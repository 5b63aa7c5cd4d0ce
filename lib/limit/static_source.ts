/**
 * Static limits: from an object or a YAML file of the same shape. The embedded
 * default of `deno task dev`, the oslo.limit `LimitFixture` equivalent for
 * tests, and what the KV replication carries.
 *
 * @module
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { LimitSourceError } from "./errors.ts";
import type { EnforcementModel, LimitsData, LimitSource } from "./limit_source.ts";
import {
  type LimitsIssue,
  limitsToData,
  validateLimitsData,
  type ValidLimits,
} from "./limits_data.ts";

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Limits held in memory. Lookups answer synchronously.
 *
 * @example Registered defaults and a project override
 * ```ts
 * import { StaticLimitSource } from "./static_source.ts";
 * import assert from "node:assert/strict";
 *
 * const src = new StaticLimitSource({
 *   registeredLimits: { cores: 20 },
 *   projectLimits: { p1: { cores: 8 } },
 * });
 * assert.equal(src.projectLimit("p1", "cores"), 8);
 * assert.equal(src.registeredLimit("ram"), undefined);
 * ```
 */
export class StaticLimitSource implements LimitSource {
  readonly description: string;
  readonly cacheable = false;
  #limits: ValidLimits;
  #children = new Map<string, string[]>();

  /**
   * Validates `data`; throws {@linkcode LimitSourceError} naming the field.
   * `checkHierarchy: false` skips the strict-two-level rules.
   */
  constructor(data: LimitsData, options: { file?: string; checkHierarchy?: boolean } = {}) {
    const file = options.file ?? "<object>";
    const { limits, issues } = validateLimitsData(
      data,
      options.checkHierarchy === undefined ? {} : { checkHierarchy: options.checkHierarchy },
    );
    if (issues.length) throw issueError(file, issues);
    this.#limits = limits;
    this.description = options.file ? `static limits from ${options.file}` : "static limits";
    for (const [child, parent] of limits.parents) {
      const list = this.#children.get(parent) ?? [];
      list.push(child);
      this.#children.set(parent, list);
    }
  }

  model(): EnforcementModel {
    return this.#limits.model;
  }

  registeredLimit(resourceName: string): number | undefined {
    return this.#limits.registeredLimits.get(resourceName);
  }

  projectLimit(projectId: string, resourceName: string): number | undefined {
    return this.#limits.projectLimits.get(projectId)?.get(resourceName);
  }

  parentOf(projectId: string): string | null {
    return this.#limits.parents.get(projectId) ?? null;
  }

  childrenOf(projectId: string): readonly string[] {
    return this.#children.get(projectId) ?? EMPTY;
  }

  /** The limits as plain data. */
  toJSON(): LimitsData {
    return limitsToData(this.#limits);
  }
}

function issueError(
  file: string,
  issues: LimitsIssue[],
  position?: (issue: LimitsIssue) => { line: number; column: number } | undefined,
): LimitSourceError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return new LimitSourceError(file, `${first.message}${more}`, {
    ...(first.path.length ? { field: first.path.join(".") } : {}),
    ...(position?.(first) ?? {}),
  });
}

/** Finds the YAML node at `path` (the key node for the last step, so the line names the field). */
function nodeAt(root: Node | null, path: string[]): Node | undefined {
  let node: unknown = root;
  let found: Node | undefined = root ?? undefined;
  for (const step of path) {
    if (!isMap(node)) return found;
    const pair = node.items.find((p) =>
      isPair(p) && isScalar(p.key) && String(p.key.value) === step
    );
    if (!pair) return found;
    found = (pair.key as Node) ?? found;
    node = pair.value;
    if (step === path[path.length - 1] && pair.value && isScalar(pair.value)) {
      found = pair.value as Node;
    }
  }
  return found;
}

/**
 * Parses a YAML limits document; errors name the file, line and column.
 *
 * @example A file with a bad limit
 * ```ts
 * import { parseLimitsYaml } from "./static_source.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => parseLimitsYaml("registeredLimits:\n  cores: ten\n", "limits.yaml"),
 *   /limits\.yaml:2:10: registeredLimits\.cores: expected an integer limit/,
 * );
 * ```
 */
export function parseLimitsYaml(text: string, file = "<string>"): StaticLimitSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new LimitSourceError(file, err.message.split("\n")[0]!, {
      line: pos.line,
      column: pos.col,
      cause: err,
    });
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  const { issues } = validateLimitsData(value);
  if (issues.length) {
    throw issueError(file, issues, (issue) => {
      const node = nodeAt(doc.contents as Node | null, issue.path);
      if (!node?.range) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    });
  }
  return new StaticLimitSource(value ?? {}, { file });
}

/** Reads a YAML limits file; errors name the file, line and column. */
export async function loadLimitsFile(path: string): Promise<StaticLimitSource> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new LimitSourceError(path, `cannot read the file: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseLimitsYaml(text, path);
}
