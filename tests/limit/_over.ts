/**
 * The over-limit list a promise is rejected with (ProjectOverLimit), or
 * undefined when it resolves; any other rejection fails the test.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type OverLimitInfo, ProjectOverLimit } from "../../lib/limit/mod.ts";

export async function overList(p: Promise<unknown>): Promise<readonly OverLimitInfo[] | undefined> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProjectOverLimit, `expected ProjectOverLimit, got ${e}`);
    return e.overLimitInfoList;
  }
  return undefined;
}
