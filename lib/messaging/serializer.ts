/**
 * The serializer hook, after oslo.messaging's `Serializer`: turns the
 * application's entities and request context into what travels as JSON, and back.
 *
 * @module
 */

/** A request context: oslo.context's `to_dict()` shape (user_id, project_id, roles, ...). */
export type Context = Record<string, unknown>;

/** Converts entities (arguments, results, payloads) and contexts to and from the wire. */
export interface Serializer {
  /** Entity → JSON-compatible value. */
  serializeEntity(ctxt: Context, entity: unknown): unknown;
  /** JSON value → entity. */
  deserializeEntity(ctxt: Context, entity: unknown): unknown;
  /** Context → JSON object. */
  serializeContext(ctxt: Context): Context;
  /** JSON object → context. */
  deserializeContext(ctxt: Context): Context;
}

/**
 * Passes everything through unchanged (the default).
 *
 * @example
 * ```ts
 * import { NoOpSerializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new NoOpSerializer();
 * assert.deepEqual(s.serializeEntity({}, { a: 1 }), { a: 1 });
 * ```
 */
export class NoOpSerializer implements Serializer {
  serializeEntity(_ctxt: Context, entity: unknown): unknown {
    return entity;
  }
  deserializeEntity(_ctxt: Context, entity: unknown): unknown {
    return entity;
  }
  serializeContext(ctxt: Context): Context {
    return ctxt;
  }
  deserializeContext(ctxt: Context): Context {
    return ctxt;
  }
}

/**
 * Serializes entities to their JSON form (dates become ISO strings, `toJSON()` is honoured).
 *
 * @example
 * ```ts
 * import { JsonPayloadSerializer } from "./serializer.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new JsonPayloadSerializer();
 * assert.equal(s.serializeEntity({}, new Date(0)), "1970-01-01T00:00:00.000Z");
 * ```
 */
export class JsonPayloadSerializer extends NoOpSerializer {
  override serializeEntity(_ctxt: Context, entity: unknown): unknown {
    return entity === undefined ? null : JSON.parse(JSON.stringify(entity));
  }
}
