/**
 * The JetStream streams notifications are stored in, one per site, all named
 * `OSLO_NOTIFICATIONS` by default (each in its own JetStream domain):
 *
 * - a leaf site's stream captures its own site's subjects
 *   (`oslo.notify.<site>.>`): while the leaf link is down it keeps what the
 *   site emits;
 * - the hub's stream captures every notification subject (`oslo.notify.>`)
 *   and *sources* each leaf's stream across the leaf link (`$JS.<leaf>.API`),
 *   catching up when a link comes back.
 *
 * While a link is up, a leaf's notification may reach the hub twice: sourced,
 * and as a plain message crossing the link into the hub's stream. Both copies
 * carry the same `Nats-Msg-Id` (`<message_id>:<topic>`), and the hub's stream
 * keeps one (its duplicate window is 10 minutes, longer than sourcing lags).
 * Denying `oslo.notify.>` on the leaf remote (`deny_exports`) removes the plain
 * copy and halves the WAN traffic, for leaves with JetStream.
 *
 * @module
 */
import type { JetStream } from "./jetstream.ts";
import { ALL_NOTIFICATIONS, siteNotificationSubjects } from "./subjects.ts";

/** Default stream name. */
export const DEFAULT_NOTIFICATION_STREAM = "OSLO_NOTIFICATIONS";

/** Options of {@linkcode ensureNotificationStream}. */
export interface NotificationStreamOptions {
  /** This site's name (its messages' subject token). */
  site: string;
  /** Capture every site's subjects (the hub); default: when `site` is "hub". */
  aggregate?: boolean;
  /** Stream name (default `OSLO_NOTIFICATIONS`, the same in every domain). */
  stream?: string;
  /** JetStream domains (leaf sites) whose streams this one sources; added to those already there. */
  sourceDomains?: readonly string[];
  /** Milliseconds a notification is kept (default 0: until the stream's limits). */
  maxAge?: number;
}

interface StreamInfo {
  config: {
    subjects?: string[];
    sources?: { name: string; external?: { api?: string }; filter_subject?: string }[];
    max_age?: number;
  };
}

/**
 * Creates the site's notification stream, or adds missing subjects and sources
 * to it (never removes any). Idempotent: safe to call from every notifier and
 * listener. Resolves to the stream's subjects.
 *
 * @example The hub, sourcing two leaf sites
 * ```ts ignore
 * await ensureNotificationStream(new JetStream(hub), { site: "hub", sourceDomains: ["leaf1", "leaf2"] });
 * ```
 */
export async function ensureNotificationStream(
  js: JetStream,
  options: NotificationStreamOptions,
): Promise<string[]> {
  const name = options.stream ?? DEFAULT_NOTIFICATION_STREAM;
  const aggregate = options.aggregate ?? options.site === "hub";
  const info = await js.streamInfo(name) as StreamInfo | undefined;
  let subjects = [...(info?.config.subjects ?? [])];
  let changed = !info;
  for (const s of siteNotificationSubjects(options.site, aggregate)) {
    if (!subjects.includes(s) && !subjects.includes(ALL_NOTIFICATIONS)) {
      if (s === ALL_NOTIFICATIONS) subjects = subjects.filter((x) => !x.startsWith("oslo.notify."));
      subjects.push(s);
      changed = true;
    }
  }
  const sources = (info?.config.sources ?? []).map((s) => ({
    name: s.name,
    ...(s.external?.api ? { domain: s.external.api.split(".")[1] as string } : {}),
    ...(s.filter_subject ? { filterSubject: s.filter_subject } : {}),
  }));
  for (const domain of options.sourceDomains ?? []) {
    if (!sources.some((s) => s.name === name && s.domain === domain)) {
      sources.push({ name, domain });
      changed = true;
    }
  }
  if (changed) {
    await js.ensureStream({
      name,
      subjects,
      sources,
      duplicateWindow: 600_000,
      maxAge: options.maxAge ?? (info ? (info.config.max_age ?? 0) / 1_000_000 : 0),
    });
  }
  return subjects;
}

/** The site token listeners of a stream with these subjects filter on: `*` for the hub's. */
export function listenSite(subjects: readonly string[], site: string): string {
  return subjects.includes(ALL_NOTIFICATIONS) ? "*" : site;
}
