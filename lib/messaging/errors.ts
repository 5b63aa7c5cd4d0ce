/**
 * Errors raised by lib/messaging, each with a stable `code`.
 *
 * @module
 */

/** Base class of every lib/messaging error. */
export class MessagingError extends Error {
  /** Stable machine-readable code. */
  readonly code: string = "ERR_MESSAGING";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MessagingError";
  }
}

/** A transport URL could not be parsed. */
export class TransportUrlError extends MessagingError {
  override readonly code = "ERR_MESSAGING_URL";
  constructor(message: string) {
    super(message);
    this.name = "TransportUrlError";
  }
}

/** No reply came within the timeout. */
export class MessagingTimeout extends MessagingError {
  override readonly code = "ERR_MESSAGING_TIMEOUT";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MessagingTimeout";
  }
}

/** A request found nobody listening on its subject. */
export class NoRespondersError extends MessagingError {
  override readonly code = "ERR_MESSAGING_NO_RESPONDERS";
  constructor(subject: string, options?: ErrorOptions) {
    super(`Cannot deliver request to "${subject}": no server is listening`, options);
    this.name = "NoRespondersError";
  }
}

/** The connection could not be made, or was closed. */
export class ConnectionFailedError extends MessagingError {
  override readonly code = "ERR_MESSAGING_CONNECTION";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionFailedError";
  }
}

/** A compare-and-set write to a KV bucket lost: the key changed since it was read. */
export class KvConflictError extends MessagingError {
  override readonly code = "ERR_MESSAGING_KV_CONFLICT";
  /** Bucket and key. */
  readonly key: string;
  constructor(bucket: string, key: string, options?: ErrorOptions) {
    super(`Cannot write key "${key}" in bucket "${bucket}": it changed since it was read`, options);
    this.name = "KvConflictError";
    this.key = key;
  }
}
