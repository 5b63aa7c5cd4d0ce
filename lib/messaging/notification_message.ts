/**
 * The notification message and its wire form.
 *
 * A notification travels as JSON `{ "context": {...}, "message": {...} }` with
 * headers `Nats-Msg-Id` (`<message_id>:<topic>`, so JetStream stores it once
 * per topic however often a publish is retried) and, when it has a TTL,
 * `Oslo-Expires-At` (epoch ms; listeners drop it, unseen, after that).
 *
 * @module
 */
import type { Context } from "./serializer.ts";

/** A notification, as oslo.messaging builds it. */
export interface NotificationMessage {
  /** uuid4. */
  message_id: string;
  /** Who sent it (`compute.host1`). */
  publisher_id: string | null;
  /** What happened (`compute.instance.create.end`). */
  event_type: string;
  /** Upper case priority (`INFO`). */
  priority: string;
  /** Event data. */
  payload: unknown;
  /** Python `str(utcnow())`: `2024-05-01 12:00:00.123000`. */
  timestamp: string;
}

/** Header carrying a message's expiry (epoch ms). */
export const EXPIRES_HEADER = "Oslo-Expires-At";

/** Context keys kept in notifications (oslo's `_sanitize_context`); tokens are dropped. */
export const SAFE_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  "user_id",
  "project_id",
  "domain_id",
  "user_domain_id",
  "project_domain_id",
  "is_admin",
  "request_id",
  "roles",
  "user_name",
  "project_name",
  "domain_name",
  "user_domain_name",
  "project_domain_name",
  "service_user_id",
  "service_user_domain_id",
  "service_user_domain_name",
  "service_project_id",
  "service_project_name",
  "service_project_domain_id",
  "service_project_domain_name",
  "service_roles",
  "global_request_id",
  "system_scope",
  "user",
  "domain",
  "user_domain",
  "project_domain",
]);

/**
 * The context with only oslo's safe keys.
 *
 * @example
 * ```ts
 * import { sanitizeContext } from "./notification_message.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sanitizeContext({ user_id: "u", auth_token: "t" }), { user_id: "u" });
 * ```
 */
export function sanitizeContext(ctxt: Context): Context {
  const out: Context = {};
  for (const [k, v] of Object.entries(ctxt)) if (SAFE_CONTEXT_KEYS.has(k)) out[k] = v;
  return out;
}

/** Now in UTC as Python's `str(datetime.utcnow())` prints it. */
export function pythonUtcNow(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2024-05-01T12:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

const SANITIZE_KEYS = [
  "adminpass",
  "admin_pass",
  "password",
  "admin_password",
  "auth_token",
  "new_pass",
  "auth_password",
  "secret_uuid",
  "secret",
  "sys_pswd",
  "token",
  "configdrive",
  "chappassword",
  "encrypted_key",
  "private_key",
  "fernetkey",
  "sslkey",
  "passphrase",
];

/** Masks values under secret-looking keys, recursively through objects (oslo's `mask_dict_password`). */
export function maskSecrets(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const lower = k.toLowerCase();
    out[k] = SANITIZE_KEYS.some((s) => lower.includes(s)) ? "***" : maskSecrets(v);
  }
  return out;
}
