import assert from "node:assert/strict";
import {
  compileExcludePatterns,
  ExcludePatternError,
  optGroup,
  strOpt,
  UNTRUSTED_PATTERN_LIMITS,
  VALIDATE_DEFAULTS_EXCLUSIONS,
  validateConfigText,
} from "../../lib/config/mod.ts";

const refused = (patterns: string[], fragment: RegExp, index = 0) =>
  assert.throws(() => compileExcludePatterns(patterns, { untrusted: true }), (e) => {
    assert.ok(e instanceof ExcludePatternError);
    assert.equal(e.code, "ERR_CONFIG_EXCLUDE_PATTERN");
    assert.equal(e.index, index);
    assert.match(e.message, fragment);
    return true;
  });

Deno.test("compileExcludePatterns() matches whole names, as re.fullmatch", () => {
  const [url, host] = compileExcludePatterns([".*_ur(i|l)", "host(name)?"]);
  assert.equal(url?.test("auth_url"), true);
  assert.equal(url?.test("auth_urls"), false);
  assert.equal(host?.test("hostname"), true);
  assert.equal(host?.test("my_host"), false);
});

Deno.test("compileExcludePatterns() names the pattern that does not compile and its position", () => {
  assert.throws(() => compileExcludePatterns(["debug", "a(b"]), (e) => {
    assert.ok(e instanceof ExcludePatternError);
    assert.equal(e.index, 1);
    assert.equal(e.pattern, "a(b");
    assert.equal(e.message, 'Cannot use exclude pattern "a(b": Unterminated group');
    return true;
  });
});

Deno.test("compileExcludePatterns() holds untrusted patterns to limits that bound backtracking", () => {
  // oslo-config-validator's defaults and ordinary patterns pass.
  compileExcludePatterns(
    [...VALIDATE_DEFAULTS_EXCLUSIONS, ".*_(ur[il])", "[a-z]+_.*", "(?<g>a)+"],
    {
      untrusted: true,
    },
  );
  refused(["(a+)+"], /nested quantifiers/);
  refused(["(a|aa)*x"], /nested quantifiers/);
  refused(["(?:x.*){5}"], /nested quantifiers/);
  refused([".*.*.*x"], /repeats \(\*, \+, \{m,n\}\) more than 2 times/);
  refused(["a{1,9}b{2,}c+"], /more than 2 times/);
  refused(["(a)\\1"], /backreferences are not allowed/);
  refused(["(?<=a)b"], /lookarounds are not allowed/);
  refused(["x".repeat(UNTRUSTED_PATTERN_LIMITS.length + 1)], /longer than 128 characters/);
  const many = Array.from({ length: UNTRUSTED_PATTERN_LIMITS.count + 1 }, (_, i) => `p${i}`);
  refused(many, /give at most 16 patterns/, 16);
  // Trusted callers (the command line) are not limited.
  assert.equal(compileExcludePatterns([".*.*.*x"]).length, 1);
});

Deno.test("validateConfigText() throws ExcludePatternError for a bad --exclude-options pattern", () => {
  const groups = [optGroup("DEFAULT", [strOpt("debug", { default: "x" })])];
  assert.throws(
    () =>
      validateConfigText("[DEFAULT]\ndebug = y\n", groups, {
        checkDefaults: true,
        excludeOptions: ["("],
      }),
    (e) => e instanceof ExcludePatternError && /Unterminated group/.test(e.message),
  );
});
