/**
 * JetStream's JSON API spoken over the transport seam: streams (with sources
 * from other JetStream domains), publishing with a stored acknowledgement, and
 * durable consumers. Pulling messages is in `pull_consumer.ts`.
 *
 * The API is plain request/reply on `$JS.API.>` (or `$JS.<domain>.API.>` to
 * reach the JetStream of another domain, such as a leaf node's), so this file
 * needs no NATS client library: only {@linkcode Transport}.
 *
 * @module
 */
import { JetStreamApiError, MessagingTimeout, NoRespondersError } from "./errors.ts";
import type { MessageHeaders, Payload, Transport } from "./transport.ts";

const NS_PER_MS = 1_000_000;

/** A source of a stream: another stream, possibly in another JetStream domain. */
export interface StreamSource {
  /** Name of the source stream. */
  name: string;
  /** JetStream domain the source stream lives in (a leaf node's). */
  domain?: string;
  /** Only messages on this subject. */
  filterSubject?: string;
}

/** What {@linkcode JetStream.ensureStream} creates. */
export interface StreamConfig {
  /** Stream name (no `.`, `*`, `>` or spaces). */
  name: string;
  /** Subjects captured; empty for a stream fed only by sources. */
  subjects?: string[];
  /** Other streams copied into this one. */
  sources?: StreamSource[];
  /** Milliseconds a message is kept (0: no age limit). */
  maxAge?: number;
  /** Most messages kept, the oldest dropped first (-1, the default: no limit). */
  maxMsgs?: number;
  /** Most bytes kept, the oldest messages dropped first (-1, the default: no limit). */
  maxBytes?: number;
  /** Milliseconds in which a repeated `Nats-Msg-Id` is dropped (default 2 minutes). */
  duplicateWindow?: number;
  /** `file` (default) or `memory`. */
  storage?: "file" | "memory";
}

/** A stored acknowledgement. */
export interface PubAck {
  /** Stream that stored the message. */
  stream: string;
  /** Its sequence there. */
  seq: number;
  /** True when the stream had it already (same `Nats-Msg-Id`). */
  duplicate: boolean;
}

/** What {@linkcode JetStream.ensureConsumer} creates: a durable, explicitly acked pull consumer. */
export interface ConsumerConfig {
  /** Durable name (no `.`, `*`, `>` or spaces). */
  name: string;
  /** Only messages on this subject (wildcards allowed). */
  filterSubject?: string;
  /** Milliseconds before an unacknowledged message is sent again (default 30 s). */
  ackWait?: number;
  /** Most unacknowledged messages at once (default 1000). */
  maxAckPending?: number;
  /** Start with messages stored from now on, not the stream's whole content. */
  deliverNew?: boolean;
  /** Start at this stream sequence (wins over `deliverNew`). */
  startSeq?: number;
}

/** The parts of a consumer's info that say where it stands. */
export interface ConsumerState {
  delivered?: { stream_seq?: number };
  ack_floor?: { stream_seq?: number };
  num_ack_pending?: number;
}

/**
 * The stream sequence a consumer replacing this one starts at: just past its
 * acknowledgements, so what it delivered but did not get acked comes again and
 * nothing is skipped; just past what it delivered when nothing is pending (a
 * consumer that never acked anything then does not start over from the
 * stream's first message).
 *
 * @example
 * ```ts
 * import { resumeSeq } from "./jetstream.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resumeSeq({ delivered: { stream_seq: 9 }, ack_floor: { stream_seq: 7 }, num_ack_pending: 2 }), 8);
 * assert.equal(resumeSeq({ delivered: { stream_seq: 3 }, ack_floor: { stream_seq: 0 }, num_ack_pending: 0 }), 4);
 * ```
 */
export function resumeSeq(info: ConsumerState): number {
  const acked = info.ack_floor?.stream_seq ?? 0;
  const delivered = info.delivered?.stream_seq ?? 0;
  return ((info.num_ack_pending ?? 0) > 0 ? acked : Math.max(acked, delivered)) + 1;
}

interface ApiReply {
  error?: { code: number; err_code?: number; description: string };
  [key: string]: unknown;
}

/** JetStream of one domain (or the connected server's own when none is given). */
export class JetStream {
  /** `$JS.API` or `$JS.<domain>.API`. */
  readonly prefix: string;
  #t: Transport;
  #timeout: number;

  /** `domain` picks another JetStream domain; `timeout` (ms) bounds each API request. */
  constructor(transport: Transport, options: { domain?: string; timeout?: number } = {}) {
    this.#t = transport;
    this.prefix = options.domain ? `$JS.${options.domain}.API` : "$JS.API";
    this.#timeout = options.timeout ?? 5000;
  }

  /** The transport this JetStream talks through. */
  get transport(): Transport {
    return this.#t;
  }

  /** Sends one API request; throws {@linkcode JetStreamApiError} on an error reply. */
  async api<T = ApiReply>(path: string, body: unknown = {}): Promise<T> {
    const subject = `${this.prefix}.${path}`;
    let reply: ApiReply;
    try {
      const msg = await this.#t.request(subject, JSON.stringify(body), { timeout: this.#timeout });
      reply = msg.json<ApiReply>();
    } catch (e) {
      if (e instanceof NoRespondersError) {
        throw new JetStreamApiError(
          `Cannot reach JetStream at "${this.prefix}": no server answers (is JetStream enabled there?)`,
          { status: 503, errCode: 0, cause: e },
        );
      }
      throw e;
    }
    if (reply.error) {
      throw new JetStreamApiError(`JetStream refused ${path}: ${reply.error.description}`, {
        status: reply.error.code,
        errCode: reply.error.err_code ?? 0,
      });
    }
    return reply as T;
  }

  /** Stream info, or undefined when the stream does not exist. */
  async streamInfo(name: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.api(`STREAM.INFO.${name}`);
    } catch (e) {
      if (e instanceof JetStreamApiError && e.errCode === 10059) return undefined;
      throw e;
    }
  }

  /** Creates the stream, or updates it to `config` when it exists. */
  async ensureStream(config: StreamConfig): Promise<void> {
    const body = {
      name: config.name,
      subjects: config.subjects ?? [],
      retention: "limits",
      storage: config.storage ?? "file",
      discard: "old",
      num_replicas: 1,
      max_age: (config.maxAge ?? 0) * NS_PER_MS,
      max_msgs: config.maxMsgs ?? -1,
      max_bytes: config.maxBytes ?? -1,
      duplicate_window: (config.duplicateWindow ?? 120_000) * NS_PER_MS,
      ...(config.sources?.length
        ? {
          sources: config.sources.map((s) => ({
            name: s.name,
            ...(s.filterSubject ? { filter_subject: s.filterSubject } : {}),
            ...(s.domain ? { external: { api: `$JS.${s.domain}.API`, deliver: "" } } : {}),
          })),
        }
        : {}),
    };
    const exists = await this.streamInfo(config.name);
    await this.api(`STREAM.${exists ? "UPDATE" : "CREATE"}.${config.name}`, body);
  }

  /** Deletes a stream (no error when missing). */
  async deleteStream(name: string): Promise<void> {
    try {
      await this.api(`STREAM.DELETE.${name}`);
    } catch (e) {
      if (!(e instanceof JetStreamApiError && e.errCode === 10059)) throw e;
    }
  }

  /** Publishes and waits until a stream has stored the message. */
  async publish(
    subject: string,
    data: Payload,
    options: { msgId?: string; headers?: MessageHeaders; timeout?: number } = {},
  ): Promise<PubAck> {
    const headers: MessageHeaders = { ...options.headers };
    if (options.msgId) headers["Nats-Msg-Id"] = options.msgId;
    let reply: ApiReply;
    try {
      const msg = await this.#t.request(subject, data, {
        timeout: options.timeout ?? this.#timeout,
        headers,
      });
      reply = msg.json<ApiReply>();
    } catch (e) {
      if (e instanceof NoRespondersError) {
        throw new JetStreamApiError(`Cannot store a message on "${subject}": no stream takes it`, {
          status: 503,
          errCode: 0,
          cause: e,
        });
      }
      if (e instanceof MessagingTimeout) throw e;
      throw e;
    }
    if (reply.error) {
      throw new JetStreamApiError(
        `Cannot store a message on "${subject}": ${reply.error.description}`,
        { status: reply.error.code, errCode: reply.error.err_code ?? 0 },
      );
    }
    return {
      stream: String(reply.stream),
      seq: Number(reply.seq),
      duplicate: reply.duplicate === true,
    };
  }

  /** Creates a durable pull consumer, or updates it when it exists. */
  async ensureConsumer(stream: string, config: ConsumerConfig): Promise<void> {
    await this.api(`CONSUMER.DURABLE.CREATE.${stream}.${config.name}`, {
      stream_name: stream,
      config: {
        durable_name: config.name,
        deliver_policy: config.startSeq ? "by_start_sequence" : config.deliverNew ? "new" : "all",
        ...(config.startSeq ? { opt_start_seq: config.startSeq } : {}),
        ack_policy: "explicit",
        ack_wait: (config.ackWait ?? 30_000) * NS_PER_MS,
        max_deliver: -1,
        max_ack_pending: config.maxAckPending ?? 1000,
        replay_policy: "instant",
        ...(config.filterSubject ? { filter_subject: config.filterSubject } : {}),
      },
    });
  }

  /**
   * Creates a durable consumer, or keeps the existing one when its filter is
   * the same. A consumer whose filter differs (its stream gained sources) is
   * made again from where it stood (its ack floor), so nothing is skipped.
   */
  async ensureDurable(stream: string, config: ConsumerConfig): Promise<void> {
    const info = await this.consumerInfo(stream, config.name) as
      | ConsumerState & { config: { filter_subject?: string } }
      | undefined;
    if (!info) return await this.ensureConsumer(stream, config);
    if ((info.config.filter_subject ?? "") === (config.filterSubject ?? "")) return;
    await this.api(`CONSUMER.DELETE.${stream}.${config.name}`);
    await this.ensureConsumer(stream, { ...config, startSeq: resumeSeq(info) });
  }

  /** Consumer info, or undefined when it does not exist. */
  async consumerInfo(stream: string, name: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.api(`CONSUMER.INFO.${stream}.${name}`);
    } catch (e) {
      if (e instanceof JetStreamApiError && (e.errCode === 10014 || e.errCode === 10059)) {
        return undefined;
      }
      throw e;
    }
  }
}
