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
 * @module
 */
import { JetStream } from "./jetstream.ts";
import { MessagingError } from "./errors.ts";
import { siteNotificationSubjects } from "./subjects.ts";

/** Default stream name. */
export const DEFAULT_NOTIFICATION_STREAM = "OSLO_NOTIFICATIONS";

/** Options of {@linkcode ensureNotificationStream}. */
export interface NotificationStreamOptions {
  /** This site's name (its messages' subject token). */
  site: string;
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
  let changed = !info;
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
        ...(options.maxAge ? { maxAge: options.maxAge } : {}),
      });
    } catch {
      unreachable.push(domain);
      continue;
    }
    sources.push({ name, domain });
    changed = true;
  }
  if (changed) {
    await js.ensureStream({
      name,
      subjects,
      sources,
      maxAge: options.maxAge ?? (info ? (info.config.max_age ?? 0) / 1_000_000 : 0),
    });
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
