/**
 * Notification drivers: `messaging` (JetStream, stored before it counts as
 * sent), `log` (one line per message, secrets masked) and `noop`.
 *
 * @module
 */
import { JetStreamApiError, MessagingTimeout } from "./errors.ts";
import { EXPIRES_HEADER, maskSecrets, type NotificationMessage } from "./notification_message.ts";
import {
  DEFAULT_NOTIFICATION_STREAM,
  ensureNotificationStream,
  pickStreamLimits,
} from "./notification_streams.ts";
import type { NotifierCore } from "./notifier.ts";
import type { Context } from "./serializer.ts";
import { notificationSubject } from "./subjects.ts";

/** Sends one notification; resolves true when sent. */
export interface NotificationDriver {
  /** Driver name (for logs). */
  readonly name: string;
  notify(
    core: NotifierCore,
    ctxt: Context,
    message: NotificationMessage,
    options: { retry: number; ttl?: number },
  ): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stores the message in the site's stream, once per topic, retrying per `retry`. */
export const messagingDriver: NotificationDriver = {
  name: "messaging",
  async notify(core, ctxt, message, { retry, ttl }) {
    const js = core.js;
    if (!js) {
      throw new TypeError("Cannot use the messaging notification driver without a transport");
    }
    const o = core.options;
    const c = core.counters;
    const site = o.site ?? "hub";
    const expires = ttl ? Date.now() + ttl : undefined;
    const body = JSON.stringify({ context: ctxt, message });
    const headers = expires ? { [EXPIRES_HEADER]: String(expires) } : undefined;
    let ok = true;
    for (const topic of o.topics ?? ["notifications"]) {
      const subject = notificationSubject(
        site,
        o.exchange ?? "openstack",
        topic,
        message.priority.toLowerCase(),
      );
      let attempt = 0;
      for (;;) {
        try {
          if (o.ensureStream !== false) {
            core.streamReady ??= ensureNotificationStream(js, {
              site,
              stream: o.stream ?? DEFAULT_NOTIFICATION_STREAM,
              ...pickStreamLimits(o),
            });
            await core.streamReady.catch((e) => {
              core.streamReady = undefined; // try again next time
              throw e;
            });
          }
          const ack = await js.publish(subject, body, {
            msgId: `${message.message_id}:${topic}`,
            ...(headers ? { headers } : {}),
          });
          if (ack.duplicate) c.duplicates++;
          c.sent++;
          break;
        } catch (e) {
          if (e instanceof MessagingTimeout) c.timeouts++;
          const retriable = !core.transport?.closed &&
            (e instanceof MessagingTimeout || e instanceof JetStreamApiError ||
              /connection|disconnect/i.test(String(e)));
          const exhausted = retry >= 0 && attempt >= retry;
          if (!retriable || exhausted || (expires && Date.now() > expires)) {
            if (expires && Date.now() > expires) c.expired++;
            else c.failed++;
            core.log(
              "error",
              `Could not send notification to ${subject} after ${attempt + 1} attempt(s): ${
                (e as Error).message
              }`,
            );
            ok = false;
            break;
          }
          attempt++;
          c.retries++;
          await sleep(Math.min(100 * 2 ** Math.min(attempt - 1, 4), 2000));
        }
      }
    }
    return ok;
  },
};

const LEVELS: Record<string, "debug" | "info" | "warning" | "error"> = {
  DEBUG: "debug",
  INFO: "info",
  WARN: "warning",
  WARNING: "warning",
  ERROR: "error",
  CRITICAL: "error",
};

/** Logs the message as JSON at its priority (audit and sample have no log level: a warning says so). */
export const logDriver: NotificationDriver = {
  name: "log",
  notify(core, _ctxt, message) {
    const level = LEVELS[message.priority];
    if (!level) {
      core.log(
        "warning",
        `Unable to log message: no logger level for priority ${message.priority.toLowerCase()}`,
      );
      return Promise.resolve(false);
    }
    core.log(
      level,
      `oslo.messaging.notification.${message.event_type} ${JSON.stringify(maskSecrets(message))}`,
    );
    core.counters.sent++;
    return Promise.resolve(true);
  },
};

/** Sends nothing. */
export const noopDriver: NotificationDriver = {
  name: "noop",
  notify: () => Promise.resolve(true),
};
