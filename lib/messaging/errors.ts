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
  override readonly code: string = "ERR_MESSAGING_TIMEOUT";
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

/** JetStream refused an API request or a publish (stream missing, no JetStream, bad config). */
export class JetStreamApiError extends MessagingError {
  override readonly code = "ERR_MESSAGING_JETSTREAM";
  /** HTTP-like status JetStream replied with (`503` when nobody answered). */
  readonly status: number;
  /** JetStream's own error code (`10059` stream not found, ...), 0 when none. */
  readonly errCode: number;
  constructor(message: string, options: { status: number; errCode: number; cause?: unknown }) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "JetStreamApiError";
    this.status = options.status;
    this.errCode = options.errCode;
  }
}

/** A target is missing what its use needs, or asks for something impossible (a call with fanout). */
export class InvalidTargetError extends MessagingError {
  override readonly code = "ERR_MESSAGING_INVALID_TARGET";
  constructor(message: string) {
    super(message);
    this.name = "InvalidTargetError";
  }
}

/** A call's server stopped sending heartbeats for `callMonitorTimeout` ms: it is stuck or gone. */
export class HeartbeatTimeoutError extends MessagingTimeout {
  override readonly code = "ERR_MESSAGING_HEARTBEAT";
  constructor(message: string) {
    super(message);
    this.name = "HeartbeatTimeoutError";
  }
}

/** The version a call asks for is above the client's `versionCap`. */
export class RPCVersionCapError extends MessagingError {
  override readonly code = "ERR_MESSAGING_VERSION_CAP";
  /** Version asked for. */
  readonly version: string;
  /** The client's cap. */
  readonly versionCap: string;
  constructor(version: string, versionCap: string) {
    super(
      `Cannot send version "${version}": it must have the major version of the version cap ` +
        `"${versionCap}" and a minor version no greater`,
    );
    this.name = "RPCVersionCapError";
    this.version = version;
    this.versionCap = versionCap;
  }
}

/** The endpoint raised an error the caller does not rebuild as its own type. */
export class RemoteError extends MessagingError {
  override readonly code: string = "ERR_MESSAGING_REMOTE";
  /** Name of the remote error class (`ProjectOverLimit`). */
  readonly excType: string;
  /** Its message ("" when the server sent none). */
  readonly value: string;
  /** Its `code`, when it had one. */
  readonly remoteCode: string | undefined;
  /** The module its class declares, when it does. */
  readonly module: string | undefined;
  /** The server's stack trace, when the server sends them (`sendTraceback`). */
  readonly traceback: string | undefined;
  constructor(
    excType: string,
    value: string,
    remoteCode?: string,
    options: { module?: string; traceback?: string } = {},
  ) {
    super(value ? `Remote error: ${excType}: ${value}` : `Remote error: ${excType}`);
    this.name = "RemoteError";
    this.excType = excType;
    this.value = value;
    this.remoteCode = remoteCode;
    this.module = options.module;
    this.traceback = options.traceback;
  }
}

/** A compatible endpoint exists but has no such method (or the access policy hides it). */
export class NoSuchMethodError extends MessagingError {
  override readonly code = "ERR_MESSAGING_NO_SUCH_METHOD";
  /** The method asked for. */
  readonly method: string;
  constructor(method: string) {
    super(`Endpoint does not support RPC method ${method}`);
    this.name = "NoSuchMethodError";
    this.method = method;
  }
}

/** No endpoint implements the namespace and version asked for. */
export class UnsupportedVersionError extends MessagingError {
  override readonly code = "ERR_MESSAGING_UNSUPPORTED_VERSION";
  /** The version asked for. */
  readonly version: string;
  /** The method asked for. */
  readonly method: string | undefined;
  constructor(version: string, method?: string) {
    super(
      `Endpoint does not support RPC version ${version}` +
        (method ? `. Attempted method: ${method}` : ""),
    );
    this.name = "UnsupportedVersionError";
    this.version = version;
    this.method = method;
  }
}

/** A message could not be delivered within its retries (a notification with `retry: 0`, ...). */
export class MessageDeliveryFailure extends MessagingError {
  override readonly code = "ERR_MESSAGING_DELIVERY";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MessageDeliveryFailure";
  }
}
