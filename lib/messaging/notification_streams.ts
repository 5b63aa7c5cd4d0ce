/**
 * The JetStream streams notifications are stored in, one per site, all named
 * `OSLO_NOTIFICATIONS` by default (each in its own JetStream domain). Each
 * site's stream captures only its own site's subjects (`oslo.notify.<site>.>`),
 * so a notification is stored once, where it was emitted, even though its
 * subject crosses leaf links like any other. The hub's stream also *sources*
 * each leaf's stream across the leaf link (`$JS.<leaf>.API`): while a link is
 * down, the leaf's stream keeps what its site emits and the hub catches up
 * when the link is back.
 *
 * A source is added only once the leaf's stream exists (it is created through
 * the leaf's domain when missing): nats-server 2.9 retries a source whose
 * stream is missing only after long, irregular delays, while a source set up
 * on an existing stream resumes within seconds after a cut link or a restart.
 *
 * Listeners of a stream that sources other domains filter on every site
 * (`oslo.notify.*...`); of a stream without sources, on its own site.
 *
 * Streams are bounded: a new one keeps notifications for 24 hours by default
 * ({@linkcode DEFAULT_NOTIFICATION_MAX_AGE}), and `maxAge`, `maxMsgs` and
 * `maxBytes` (`[oslo_messaging_nats] notification_max_age`, `_max_msgs`,
 * `_max_bytes`) set the limits, also of an existing stream; the oldest go first.
 *
 * @module
 */
import { JetStream } from "./jetstream.ts";
import { MessagingError } from "./errors.ts";
import { siteNotificationSubjects } from "./subjects.ts";

/** Default stream name. */
export const DEFAULT_NOTIFICATION_STREAM = "OSLO_NOTIFICATIONS";

/** Milliseconds a new notification stream keeps a message when no `maxAge` is given: 24 hours. */
export const DEFAULT_NOTIFICATION_MAX_AGE = 24 * 60 * 60 * 1000;

/**
 * Limits of a notification stream. Each one given is applied, to an existing
 * stream too; one left out keeps the existing stream's, and a new stream's is
 * its default (24 h, no message limit, no byte limit).
 */
export interface NotificationStreamLimits {
  /** Milliseconds a notification is kept (0: no age limit; default 24 h). */
  maxAge?: number;
  /** Most notifications kept, the oldest dropped first (-1: no limit, the default). */
  maxMsgs?: number;
  /** Most bytes kept, the oldest dropped first (-1: no limit, the default). */
  maxBytes?: number;
}

/** Options of {@linkcode ensureNotificationStream}. */
export interface NotificationStreamOptions extends NotificationStreamLimits {
  /** This site's name (its messages' subject token). */
  site: string;
  /** Stream name (default `OSLO_NOTIFICATIONS`, the same in every domain). */
  stream?: string;
  /** JetStream domains (leaf sites) whose streams this one sources; added to those already there. */
  sourceDomains?: readonly string[];
}

interface StreamInfo {
  config: {
    subjects?: string[];
    sources?: { name: string; external?: { api?: string }; filter_subject?: string }[];
    max_age?: number;
    max_msgs?: number;
    max_bytes?: number;
  };
}

/** The limits to apply: those given, else the existing stream's, else the defaults. */
function limitsFor(
  o: NotificationStreamLimits,
  info: StreamInfo | undefined,
): Required<NotificationStreamLimits> {
  const c = info?.config;
  return {
    maxAge: o.maxAge ?? (c ? (c.max_age ?? 0) / 1_000_000 : DEFAULT_NOTIFICATION_MAX_AGE),
    maxMsgs: o.maxMsgs ?? c?.max_msgs ?? -1,
    maxBytes: o.maxBytes ?? c?.max_bytes ?? -1,
  };
}

/**
 * The limits set in `o` (and nothing else), for passing on.
 *
 * @example
 * ```ts
 * import { pickStreamLimits } from "./notification_streams.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(pickStreamLimits({ maxAge: 0, pool: "p" } as object), { maxAge: 0 });
 * ```
 */
export function pickStreamLimits(o: NotificationStreamLimits): NotificationStreamLimits {
  return {
    ...(o.maxAge !== undefined ? { maxAge: o.maxAge } : {}),
    ...(o.maxMsgs !== undefined ? { maxMsgs: o.maxMsgs } : {}),
    ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
  };
}

/**
 * Creates the site's notification stream, or adds missing subjects and sources
 * to it (never removes any) and applies the limits given. Idempotent: safe to call from every notifier and
 * listener. Resolves to the site token its listeners filter on: `*` when the
 * stream sources other domains, else `site`.
 *
 * @example The hub, sourcing two leaf sites
 * ```ts ignore
 * await ensureNotificationStream(new JetStream(hub), { site: "hub", sourceDomains: ["leaf1", "leaf2"] });
 * ```
 */
export async function ensureNotificationStream(
  js: JetStream,
  options: NotificationStreamOptions,
): Promise<string> {
  const name = options.stream ?? DEFAULT_NOTIFICATION_STREAM;
  const info = await js.streamInfo(name) as StreamInfo | undefined;
  const subjects = [...(info?.config.subjects ?? [])];
  const limits = limitsFor(options, info);
  let changed = !info ||
    limits.maxAge * 1_000_000 !== (info.config.max_age ?? 0) ||
    limits.maxMsgs !== (info.config.max_msgs ?? -1) ||
    limits.maxBytes !== (info.config.max_bytes ?? -1);
  for (const s of siteNotificationSubjects(options.site)) {
    if (!subjects.includes(s)) {
      subjects.push(s);
      changed = true;
    }
  }
  const sources = (info?.config.sources ?? []).map((s) => ({
    name: s.name,
    ...(s.external?.api ? { domain: s.external.api.split(".")[1] as string } : {}),
    ...(s.filter_subject ? { filterSubject: s.filter_subject } : {}),
  }));
  const unreachable: string[] = [];
  for (const domain of options.sourceDomains ?? []) {
    if (sources.some((s) => s.name === name && s.domain === domain)) continue;
    try {
      await ensureNotificationStream(new JetStream(js.transport, { domain }), {
        site: domain,
        stream: name,
        ...pickStreamLimits(options),
      });
    } catch {
      unreachable.push(domain);
      continue;
    }
    sources.push({ name, domain });
    changed = true;
  }
  if (changed) {
    await js.ensureStream({ name, subjects, sources, ...limits });
  }
  if (unreachable.length) {
    throw new SourcesPendingError(unreachable, sources.some((s) => s.domain) ? "*" : options.site);
  }
  return sources.some((s) => s.domain) ? "*" : options.site;
}

/** Some leaf sites could not be reached to source them (their link is down): try again later. */
export class SourcesPendingError extends MessagingError {
  override readonly code = "ERR_MESSAGING_SOURCES_PENDING";
  /** The sites not sourced yet. */
  readonly sites: string[];
  /** The filter site token to use meanwhile. */
  readonly listenSite: string;
  constructor(sites: string[], listenSite: string) {
    super(
      `Cannot source notifications from ${
        sites.map((s) => `"${s}"`).join(", ")
      } yet: their JetStream does not answer (link down?)`,
    );
    this.name = "SourcesPendingError";
    this.sites = sites;
    this.listenSite = listenSite;
  }
}

/** The site token listeners of an existing stream filter on (see {@linkcode ensureNotificationStream}). */
export async function listenSite(js: JetStream, stream: string, site: string): Promise<string> {
  const info = await js.streamInfo(stream) as StreamInfo | undefined;
  return info?.config.sources?.some((s) => s.external?.api) ? "*" : site;
}
