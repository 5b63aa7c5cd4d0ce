/**
 * Validation of limits given as data (an object, or a parsed YAML file):
 * shape, integer range, and the strict-two-level hierarchy rules. Issues carry
 * the dotted path of the offending field so YAML callers can add a line.
 *
 * @module
 */
import {
  type EnforcementModel,
  invalidLimit,
  type LimitsData,
  normalizeModel,
} from "./limit_source.ts";
import { hierarchyIssues } from "./hierarchy.ts";

/** One problem in limits data. */
export interface LimitsIssue {
  /** Path of the field, as keys (`["projectLimits", "p1", "cores"]`). */
  path: string[];
  /** What is wrong. */
  message: string;
}

/** Limits data after validation. */
export interface ValidLimits {
  model: EnforcementModel;
  registeredLimits: Map<string, number>;
  projectLimits: Map<string, Map<string, number>>;
  parents: Map<string, string>;
}

const TOP_KEYS = ["model", "registeredLimits", "projectLimits", "parents"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function limitsMap(
  value: unknown,
  path: string[],
  issues: LimitsIssue[],
): Map<string, number> {
  const out = new Map<string, number>();
  if (!isRecord(value)) {
    issues.push({ path, message: "expected a mapping of resource name to limit" });
    return out;
  }
  for (const [name, limit] of Object.entries(value)) {
    const why = invalidLimit(limit);
    if (why) issues.push({ path: [...path, name], message: why });
    else out.set(name, limit as number);
  }
  return out;
}

/**
 * Validates limits data; returns the issues (empty when valid) and the limits
 * read (valid entries only). `checkHierarchy: false` skips the
 * strict-two-level rules (for limits Keystone has already accepted).
 */
export function validateLimitsData(
  value: unknown,
  options: { checkHierarchy?: boolean } = {},
): { limits: ValidLimits; issues: LimitsIssue[] } {
  const issues: LimitsIssue[] = [];
  const limits: ValidLimits = {
    model: "flat",
    registeredLimits: new Map(),
    projectLimits: new Map(),
    parents: new Map(),
  };
  if (value === null || value === undefined) return { limits, issues };
  if (!isRecord(value)) {
    issues.push({
      path: [],
      message: "expected a mapping with registeredLimits and projectLimits",
    });
    return { limits, issues };
  }
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.includes(key)) {
      issues.push({ path: [key], message: `unknown key; expected one of ${TOP_KEYS.join(", ")}` });
    }
  }
  const data = value as Record<string, unknown>;
  if (data.model !== undefined) {
    const model = typeof data.model === "string" ? normalizeModel(data.model) : undefined;
    if (model) limits.model = model;
    else {
      issues.push({
        path: ["model"],
        message: `unknown model ${JSON.stringify(data.model)}; use flat or strict-two-level`,
      });
    }
  }
  if (data.registeredLimits !== undefined && data.registeredLimits !== null) {
    limits.registeredLimits = limitsMap(data.registeredLimits, ["registeredLimits"], issues);
  }
  if (data.projectLimits !== undefined && data.projectLimits !== null) {
    if (!isRecord(data.projectLimits)) {
      issues.push({
        path: ["projectLimits"],
        message: "expected a mapping of project id to {resource: limit}",
      });
    } else {
      for (const [pid, perResource] of Object.entries(data.projectLimits)) {
        if (pid === "") {
          issues.push({ path: ["projectLimits", pid], message: "project id may not be empty" });
          continue;
        }
        limits.projectLimits.set(pid, limitsMap(perResource, ["projectLimits", pid], issues));
      }
    }
  }
  if (data.parents !== undefined && data.parents !== null) {
    if (!isRecord(data.parents)) {
      issues.push({ path: ["parents"], message: "expected a mapping of project id to parent id" });
    } else {
      for (const [child, parent] of Object.entries(data.parents)) {
        if (typeof parent !== "string" || parent === "" || parent === child) {
          issues.push({
            path: ["parents", child],
            message: `expected the id of another project or domain, got ${JSON.stringify(parent)}`,
          });
        } else limits.parents.set(child, parent);
      }
    }
  }
  if (
    issues.length === 0 && limits.model === "strict-two-level" && options.checkHierarchy !== false
  ) {
    issues.push(...hierarchyIssues(limits));
  }
  return { limits, issues };
}

/** Turns validated limits back into plain data. */
export function limitsToData(limits: ValidLimits): LimitsData {
  return {
    model: limits.model,
    registeredLimits: Object.fromEntries(limits.registeredLimits),
    projectLimits: Object.fromEntries(
      [...limits.projectLimits].map(([pid, m]) => [pid, Object.fromEntries(m)]),
    ),
    ...(limits.parents.size ? { parents: Object.fromEntries(limits.parents) } : {}),
  };
}
