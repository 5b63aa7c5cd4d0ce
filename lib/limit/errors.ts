/**
 * Errors raised by lib/limit. Every error carries a stable `code` so callers
 * (and the HTTP layer) switch on codes, never on message text.
 *
 * @module
 */

/** Base class of every lib/limit error. */
export class LimitError extends Error {
  /** Stable machine-readable code. */
  readonly code: string = "ERR_LIMIT";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LimitError";
  }
}

/** One resource over its limit, as oslo.limit's `OverLimitInfo`. */
export interface OverLimitInfo {
  /** The resource (`cores`). */
  resourceName: string;
  /** The limit that would be exceeded. */
  limit: number;
  /** Usage counted against that limit (a whole subtree's under strict-two-level). */
  currentUsage: number;
  /** The requested change. */
  delta: number;
  /**
   * strict-two-level only: the parent project or domain whose limit was hit,
   * when it is not the project itself.
   */
  limitProjectId?: string;
}

function describe(info: OverLimitInfo): string {
  return `Resource ${info.resourceName} is over limit of ${info.limit} due to current usage ${info.currentUsage} and delta ${info.delta}`;
}

/**
 * A project would go over one or more limits. Lists every resource over, in
 * sorted order; the message is oslo.limit's, byte for byte.
 */
export class ProjectOverLimit extends LimitError {
  override readonly code = "ERR_LIMIT_PROJECT_OVER_LIMIT";
  /** The project checked (null: registered limits only). */
  readonly projectId: string | null;
  /** Every resource over its limit. */
  readonly overLimitInfoList: readonly OverLimitInfo[];
  constructor(projectId: string | null, overLimitInfoList: readonly OverLimitInfo[]) {
    if (overLimitInfoList.length === 0) {
      throw new TypeError("Cannot build ProjectOverLimit: the over-limit list is empty");
    }
    super(
      `Project ${projectId ?? "None"} is over a limit for [${
        overLimitInfoList.map(describe).join(", ")
      }]`,
    );
    this.name = "ProjectOverLimit";
    this.projectId = projectId;
    this.overLimitInfoList = overLimitInfoList;
  }
}

/** The usage callback gave no (or no integer) usage for a resource it was asked about. */
export class UsageUnavailableError extends LimitError {
  override readonly code = "ERR_LIMIT_USAGE";
  /** The resource. */
  readonly resourceName: string;
  constructor(resourceName: string, reason = "the usage callback did not return it") {
    super(`Cannot enforce limits: unable to get current usage for ${resourceName}: ${reason}`);
    this.name = "UsageUnavailableError";
    this.resourceName = resourceName;
  }
}

/** A limit file or limit document is invalid; `line`/`column` are 1-based where known. */
export class LimitSourceError extends LimitError {
  override readonly code = "ERR_LIMIT_SOURCE";
  /** File (or `<object>`) the limits came from. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  /** 1-based column, when known. */
  readonly column: number | undefined;
  /** Dotted path of the offending field (`projectLimits.p1.cores`). */
  readonly field: string | undefined;
  constructor(
    file: string,
    reason: string,
    at: { line?: number; column?: number; field?: string; cause?: unknown } = {},
  ) {
    const where = at.line === undefined
      ? file
      : `${file}:${at.line}${at.column === undefined ? "" : `:${at.column}`}`;
    super(
      `Cannot load limits from ${where}: ${at.field ? `${at.field}: ` : ""}${reason}`,
      at.cause === undefined ? {} : { cause: at.cause },
    );
    this.name = "LimitSourceError";
    this.file = file;
    this.line = at.line;
    this.column = at.column;
    this.field = at.field;
  }
}

/** The limits break the strict-two-level model (a child above its parent, a tree too deep). */
export class HierarchyError extends LimitError {
  override readonly code = "ERR_LIMIT_HIERARCHY";
  constructor(message: string) {
    super(message);
    this.name = "HierarchyError";
  }
}

/**
 * The limit source cannot answer yet (replicated limits not received): no
 * check or claim is decided, rather than decided under a guessed model or
 * guessed limits.
 */
export class LimitsNotReadyError extends LimitError {
  override readonly code = "ERR_LIMIT_NOT_READY";
  constructor(message: string) {
    super(message);
    this.name = "LimitsNotReadyError";
  }
}

/** The limit source knows no such project (Keystone: no `/v3/projects/{id}`). */
export class ProjectNotFoundError extends LimitError {
  /** The project. */
  readonly projectId: string;
  constructor(projectId: string, where: string) {
    super(`Cannot find project "${projectId}" in ${where}`);
    this.name = "ProjectNotFoundError";
    this.projectId = projectId;
  }
}

/** Keystone answered with an error, or could not be reached. */
export class KeystoneError extends LimitError {
  override readonly code: string = "ERR_LIMIT_KEYSTONE";
  /** HTTP status, or 0 when Keystone could not be reached. */
  readonly status: number;
  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "KeystoneError";
    this.status = status;
  }
}

/** Keystone refused the configured credentials. */
export class KeystoneAuthError extends KeystoneError {
  override readonly code = "ERR_LIMIT_KEYSTONE_AUTH";
  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, status, options);
    this.name = "KeystoneAuthError";
  }
}

/** The service's endpoint could not be found from the `[oslo_limit]` endpoint options. */
export class EndpointNotFoundError extends LimitError {
  override readonly code = "ERR_LIMIT_ENDPOINT";
  constructor(message: string) {
    super(message);
    this.name = "EndpointNotFoundError";
  }
}

/** No claim with this id (never made, or already committed, released or expired). */
export class ClaimNotFoundError extends LimitError {
  override readonly code = "ERR_LIMIT_CLAIM_NOT_FOUND";
  /** The claim id. */
  readonly claimId: string;
  constructor(claimId: string) {
    super(
      `Cannot find claim "${claimId}": it was never made, or was already committed, released or expired (or it was made before the enforcement model changed)`,
    );
    this.name = "ClaimNotFoundError";
    this.claimId = claimId;
  }
}

/** The usage store could not complete an operation (contention, store unreachable). */
export class UsageStoreError extends LimitError {
  override readonly code = "ERR_LIMIT_STORE";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageStoreError";
  }
}
