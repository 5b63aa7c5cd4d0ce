import assert from "node:assert/strict";
import { acceptableOffers, negotiate } from "../../lib/health/mod.ts";
import { runPython } from "./_python.ts";

const OFFERS = ["text/plain", "text/html", "application/json"];

/** Headers covering q-values, wildcards, parameters, extensions, case, invalid syntax. */
function corpus(): string[] {
  const fixed = [
    "",
    "*/*",
    "text/*",
    "application/*",
    "image/png",
    "TEXT/HTML",
    "Application/JSON",
    "application/json;q=0.9, text/plain;q=0.5",
    "text/*;q=0.5, application/json;q=0.4",
    "text/plain;q=0, */*",
    "text/html;q=0, text/html",
    "text/html, text/html;q=0",
    "application/json, text/plain",
    "text/plain;charset=utf-8",
    "application/json;foo=bar",
    "application/json;foo=bar, application/*;q=0.2",
    "*/*;q=0.1, text/html;q=0.1",
    "text/html;level=1;q=0.5",
    "text/html;q=0.5;ext=1",
    'text/html;a="b,c";q=0.3, */*;q=0.2',
    "garbage;;;",
    "text/html;q=2",
    "text/html;q=0.1234",
    "text/html ;q=0.5",
    "text/html, ",
    ",,text/html,,",
    " text/html",
    "text/html;q=1.000",
    "text/html;Q=0.7, application/json;q=0.8",
    "*/html",
    "*/*;q=0",
    "application/json;q=0.001, text/plain;q=0.0001",
    "text/plain;q=0.",
    "text/html;q=1.",
    "application/json,text/html;q=0.9",
    "text/plain; q=0.3, application/json",
    "application/json\t;\tq=0.5, text/html;q=0.4",
    "text/plain;q=0, text/html;q=0, application/json;q=0",
  ];
  const types = [
    "text/plain",
    "text/html",
    "application/json",
    "text/*",
    "application/*",
    "*/*",
    "image/png",
  ];
  const qs = ["", ";q=0", ";q=0.5", ";q=1", ";q=0.25", ";level=1"];
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const random = Array.from(
    { length: 300 },
    () =>
      Array.from({ length: 1 + rnd(4) }, () => `${types[rnd(types.length)]}${qs[rnd(qs.length)]}`)
        .join(rnd(2) ? ", " : ","),
  );
  return [...fixed, ...random];
}

Deno.test("acceptableOffers() agrees with webob's acceptable_offers on a corpus of headers", async () => {
  const headers = corpus();
  const theirs = await runPython<string[][]>(
    `from webob.acceptparse import create_accept_header
offers = ${JSON.stringify(OFFERS)}
result = [[o for o, q in create_accept_header(h).acceptable_offers(offers)] for h in data]`,
    headers,
  );
  headers.forEach((h, i) =>
    assert.deepEqual(acceptableOffers(h, OFFERS), theirs[i], `Accept: ${h}`)
  );
});

Deno.test("acceptableOffers() accepts every offer in order without a header", () => {
  assert.deepEqual(acceptableOffers(undefined, OFFERS), OFFERS);
  assert.deepEqual(acceptableOffers(null, OFFERS), OFFERS);
});

Deno.test("negotiate() falls back instead of refusing (no 406)", () => {
  assert.equal(negotiate("image/png", OFFERS, "text/plain"), "text/plain");
  assert.equal(negotiate("*/*;q=0", OFFERS, "text/plain"), "text/plain");
  assert.equal(
    negotiate("application/json;q=0.9, text/plain;q=0.5", OFFERS, "x"),
    "application/json",
  );
});
