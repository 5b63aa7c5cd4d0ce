/**
 * The error for a service that cannot start as configured.
 *
 * @module
 */

/** The service cannot start as configured; the message says why and what to change. */
export class StartupError extends Error {
  readonly code = "ERR_STARTUP";
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}
