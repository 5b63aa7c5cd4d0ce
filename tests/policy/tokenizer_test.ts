import assert from "node:assert/strict";
import { CheckRegistry, type Token, tokenize } from "../../lib/policy/mod.ts";

const registry = CheckRegistry.withBuiltins();
const kinds = (rule: string) => tokenize(rule, (t) => registry.parseCheck(t)).map((t) => t.kind);
const show = (t: Token) => `${t.kind}=${String(t.value)}`;

Deno.test("tokenize() splits on any whitespace and peels parentheses", () => {
  const toks = tokenize("((role:a)\tand\n(not\u00a0role:b))", (t) => registry.parseCheck(t));
  assert.deepEqual(toks.map(show), [
    "(=(",
    "(=(",
    "check=role:a",
    ")=)",
    "and=and",
    "(=(",
    "not=not",
    "check=role:b",
    ")=)",
    ")=)",
  ]);
});

Deno.test("tokenize() lowers operators in any case but keeps their text", () => {
  const toks = tokenize("a:1 AND b:2 oR NoT c:3", (t) => registry.parseCheck(t));
  assert.deepEqual(toks.map((t) => t.kind), ["check", "and", "check", "or", "not", "check"]);
  assert.deepEqual(toks.filter((t) => t.kind !== "check").map((t) => t.value), [
    "AND",
    "oR",
    "NoT",
  ]);
});

Deno.test("tokenize() makes quoted pieces string tokens, judged before trailing parens are peeled", () => {
  assert.deepEqual(kinds(`'foo' "bar"`), ["string", "string"]);
  assert.equal(tokenize(`"a b"`, (t) => registry.parseCheck(t)).length, 2);
  // The quote test looks at the piece with its trailing ")": not a string, a (bad) check.
  assert.deepEqual(kinds(`('foo')`), ["(", "check", ")"]);
  assert.equal(String(tokenize(`('foo')`, (t) => registry.parseCheck(t))[1]!.value), "!");
});

Deno.test("tokenize() keeps parentheses inside a check's match", () => {
  const toks = tokenize("user_id:%(user.id)s)", (t) => registry.parseCheck(t));
  assert.deepEqual(toks.map(show), ["check=user_id:%(user.id)s", ")=)"]);
});

Deno.test("tokenize() drops empty pieces and pure parentheses pieces", () => {
  assert.deepEqual(kinds("   "), []);
  assert.deepEqual(kinds(" ( ) "), ["(", ")"]);
  assert.deepEqual(kinds("(()"), ["(", "(", ")"]);
});

Deno.test("tokenize() passes base check text to parseCheck unchanged", () => {
  const seen: string[] = [];
  tokenize("(role:A:B or @) and !", (t) => (seen.push(t), registry.parseCheck(t)));
  assert.deepEqual(seen, ["role:A:B", "@", "!"]);
});
