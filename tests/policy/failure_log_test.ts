import assert from "node:assert/strict";
import { FailureLog } from "../../lib/policy/mod.ts";

Deno.test("FailureLog.log() logs one line per rule per interval and counts the rest", () => {
  const lines: string[] = [];
  let now = 10_000;
  const log = new FailureLog({ warn: (m) => lines.push(m), intervalMs: 1000, now: () => now });
  log.log("a", "Denied a: down");
  log.log("a", "Denied a: down");
  log.log("b", "Denied b: down"); // each rule has its own budget
  now += 999;
  log.log("a", "Denied a: still down");
  assert.deepEqual(lines, ["Denied a: down", "Denied b: down"]);
  now += 1;
  log.log("a", "Denied a: down again");
  assert.equal(
    lines[2],
    "Denied a: down again (and 2 more failures of a not logged since its last line)",
  );
  now += 1000;
  log.log("a", "Denied a: once"); // nothing held back since: no count
  log.log("b", "Denied b: x");
  assert.deepEqual(lines.slice(3), ["Denied a: once", "Denied b: x"]);
  now += 1000;
  log.log("b", "Denied b: y");
  assert.equal(lines.at(-1), "Denied b: y");
});

Deno.test("FailureLog.log() with interval 0 logs every failure", () => {
  const lines: string[] = [];
  const log = new FailureLog({ warn: (m) => lines.push(m), intervalMs: 0 });
  for (let i = 0; i < 5; i++) log.log("a", `Denied a: ${i}`);
  assert.equal(lines.length, 5);
});

Deno.test("FailureLog.log() follows at most maxRules rules, forgetting the least recently logged", () => {
  const lines: string[] = [];
  const log = new FailureLog({ warn: (m) => lines.push(m), maxRules: 2, now: () => 0 });
  log.log("a", "a1");
  log.log("b", "b1");
  log.log("c", "c1"); // forgets a
  log.log("a", "a2"); // logged again: a was forgotten (forgets b)
  log.log("c", "c2"); // held: c is still followed
  assert.deepEqual(lines, ["a1", "b1", "c1", "a2"]);
});
