/**
 * The health page's style sheet, inlined into the page (no external assets).
 *
 * @module
 */

/** CSS of the health page: system fonts, light and dark schemes, readable at a glance. */
export const PAGE_CSS = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --fail: #cf222e;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --ok: #3fb950; --warn: #d29922; --fail: #f85149;
  --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --head: #151b23; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header.overall { padding: 20px 32px; border-bottom: 4px solid var(--line); }
header.overall.ok { border-color: var(--ok); }
header.overall.fail { border-color: var(--fail); }
h1 { margin: 0; font-size: 28px; display: flex; align-items: center; gap: 12px; }
h1 small { font-size: 15px; font-weight: 500; color: var(--muted); }
.dot { width: 18px; height: 18px; border-radius: 50%; display: inline-block; }
.ok .dot { background: var(--ok); } .fail .dot { background: var(--fail); }
.overall.ok h1 { color: var(--ok); } .overall.fail h1 { color: var(--fail); }
.summary { margin: 6px 0 0; font-size: 17px; }
.when { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
main { padding: 8px 32px 24px; max-width: 1200px; }
h2 { font-size: 17px; margin: 20px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--head); font-size: 13px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
td.name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
td.name small { display: block; font-family: system-ui, sans-serif; font-size: 12px; color: var(--muted); }
td.result { white-space: nowrap; }
td.details { color: var(--fg); word-break: break-word; }
td.age { white-space: nowrap; color: var(--muted); }
td.age small { display: block; }
td.empty { color: var(--muted); font-style: italic; }
tr.fail td { background: color-mix(in srgb, var(--fail) 8%, transparent); }
tr.warn td { background: color-mix(in srgb, var(--warn) 8%, transparent); }
.badge { display: inline-block; min-width: 44px; text-align: center; padding: 1px 6px; margin-right: 6px;
  border-radius: 4px; font-size: 12px; font-weight: 700; color: #fff; }
.badge.ok { background: var(--ok); } .badge.warn { background: var(--warn); }
.badge.fail { background: var(--fail); }
.reason { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 24px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
footer { padding: 12px 32px 24px; color: var(--muted); font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
`;
