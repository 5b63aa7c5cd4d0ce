/**
 * The text/html reply: a page an operator reads at a glance. The overall
 * status first, then every check with its result, its message (the reason,
 * as the plain reply gives it: `DISABLED BY FILE`) and its age; in detailed
 * mode also each check's details (paths, hosts, round trips) and the runtime.
 * One self-contained document: inline CSS, no scripts, no external assets.
 *
 * @module
 */
import type { CheckView } from "./monitor.ts";
import type { RuntimeDetails } from "./runtime.ts";
import { PAGE_CSS } from "./page_css.ts";

/** What the page shows. */
export interface HealthPage {
  /** Overall result (every check available). */
  healthy: boolean;
  /** HTTP status of the reply. */
  status: number;
  /** Show each check's details and the runtime (`[healthcheck] detailed`). */
  detailed: boolean;
  /** The checks, in `backends` order. */
  checks: readonly CheckView[];
  /** Runtime details (shown when detailed). */
  runtime: RuntimeDetails;
  /** Seconds between automatic reloads of the page; 0 for none. */
  refreshSeconds?: number;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./page_html.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeHtml(`Path '<x>' & "y"`), "Path &#39;&lt;x&gt;&#39; &amp; &#34;y&#34;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * An age for people: `0.4 s`, `12 s`, `3 min 5 s`, `2 h 1 min`.
 *
 * @example
 * ```ts
 * import { formatAge } from "./page_html.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatAge(0.42), "0.4 s");
 * assert.equal(formatAge(185), "3 min 5 s");
 * ```
 */
export function formatAge(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function stateOf(check: CheckView): "ok" | "warn" | "fail" {
  if (!check.result.available) return "fail";
  return check.result.reason === "OK" ? "ok" : "warn";
}

function checkRow(check: CheckView, detailed: boolean): string {
  const state = stateOf(check);
  const age = check.ageSeconds === undefined ? "not yet" : `${formatAge(check.ageSeconds)} ago`;
  const when = check.checkedAt ? ` title="${check.checkedAt.toISOString()}"` : "";
  const took = check.durationMs === undefined
    ? ""
    : ` <small>(took ${
      check.durationMs < 10 ? check.durationMs.toFixed(1) : Math.round(check.durationMs)
    } ms)</small>`;
  return `<tr class="${state}" data-check="${escapeHtml(check.name)}">
<td class="name">${escapeHtml(check.name)}<small>${check.kind}</small></td>
<td class="result"><span class="badge ${state}">${state === "fail" ? "FAIL" : "PASS"}</span> \
<span class="reason">${escapeHtml(check.result.reason)}</span></td>
${detailed ? `<td class="details">${escapeHtml(check.result.details ?? "")}</td>\n` : ""}\
<td class="age"${when}>${age}${detailed ? took : ""}</td>
</tr>`;
}

function runtimeSection(rt: RuntimeDetails): string {
  const rows: [string, string][] = [
    ["Server hostname", rt.hostname ?? "(needs --allow-sys)"],
    ["Current time", `${rt.now} UTC`],
    ["Deno version", rt.deno_version],
    ["Platform", rt.platform],
    ["Process id", String(rt.pid)],
    ["Uptime", formatAge(rt.uptime_seconds)],
    [
      "Memory",
      `rss ${bytes(rt.memory.rss)}, heap ${bytes(rt.memory.heap_used)} of ${
        bytes(rt.memory.heap_total)
      }, external ${bytes(rt.memory.external)}`,
    ],
    ["Event loop lag", `${rt.event_loop_lag_ms} ms`],
  ];
  if (rt.requests_in_flight !== undefined) {
    rows.push(["Requests in flight (besides probes)", String(rt.requests_in_flight)]);
  }
  return `<section class="runtime">
<h2>Server status</h2>
<dl>
${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n")}
</dl>
</section>`;
}

/**
 * Renders the page.
 *
 * @example
 * ```ts
 * import { renderHealthPage } from "./page_html.ts";
 * import assert from "node:assert/strict";
 *
 * const html = renderHealthPage({
 *   healthy: false,
 *   status: 503,
 *   detailed: false,
 *   checks: [{
 *     name: "disable_by_file",
 *     kind: "file",
 *     result: { available: false, reason: "DISABLED BY FILE", details: "Path '/x' was found" },
 *     checkedAt: new Date(),
 *     ageSeconds: 0.2,
 *     durationMs: 0.1,
 *   }],
 *   runtime: { deno_version: "2", platform: "Linux", pid: 1, uptime_seconds: 1,
 *     memory: { rss: 1, heap_total: 1, heap_used: 1, external: 1 }, event_loop_lag_ms: 0, now: "" },
 * });
 * assert.match(html, /<span class="reason">DISABLED BY FILE<\/span>/); // the message, always
 * assert.doesNotMatch(html, /was found/); // details only in detailed mode
 * ```
 */
export function renderHealthPage(page: HealthPage): string {
  const failing = page.checks.filter((c) => !c.result.available).length;
  const headline = page.healthy ? "OK" : "UNAVAILABLE";
  const n = page.checks.length;
  const summary = n === 0
    ? "No backends configured: the instance reports itself healthy."
    : page.healthy
    ? (n === 1 ? "The check passes." : `All ${n} checks pass.`)
    : `${
      n === 1 ? "The check fails" : `${failing} of ${n} checks fail`
    }: this instance is out of rotation.`;
  const refresh = page.refreshSeconds
    ? `<meta http-equiv="refresh" content="${page.refreshSeconds}">\n`
    : "";
  const rows = page.checks.length === 0
    ? `<tr><td colspan="${
      page.detailed ? 4 : 3
    }" class="empty">[healthcheck] backends is empty</td></tr>`
    : page.checks.map((c) => checkRow(c, page.detailed)).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}<title>Healthcheck Status: ${headline}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header class="overall ${page.healthy ? "ok" : "fail"}">
<h1><span class="dot"></span>${headline} <small>HTTP ${page.status}</small></h1>
<p class="summary">${escapeHtml(summary)}</p>
<p class="when">As of ${escapeHtml(page.runtime.now)} UTC${
    page.detailed && page.runtime.hostname ? ` on ${escapeHtml(page.runtime.hostname)}` : ""
  }</p>
</header>
<main>
<section class="checks">
<h2>Result of ${page.checks.length} checks:</h2>
<table>
<thead><tr><th>Check</th><th>Result</th>${
    page.detailed ? "<th>Details</th>" : ""
  }<th>Age</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>
${page.detailed ? runtimeSection(page.runtime) : ""}
</main>
<footer>Same data: <code>Accept: application/json</code> or <code>text/plain</code>. \
Kubernetes probes: <code>/livez</code>, <code>/readyz?verbose</code>.</footer>
</body>
</html>
`;
}
