/**
 * A fast reader for the YAML that `oslo-config-generator --format yaml` writes
 * (PyYAML's `safe_dump(default_flow_style=False)`): block mappings and
 * sequences (indentless under a key, compact `- - x`), plain, single- and
 * double-quoted scalars folded over lines, empty `[]`/`{}`, and YAML 1.1's
 * null/bool/int/float. Anything else throws {@linkcode UnsupportedYaml}, and
 * the caller falls back to a general YAML parser (npm:yaml, ~10x slower).
 *
 * @module
 */

/** The text uses YAML this reader does not handle. */
export class UnsupportedYaml extends Error {
  constructor(line: number, what: string) {
    super(`line ${line + 1}: ${what}`);
    this.name = "UnsupportedYaml";
  }
}

const NULL = /^(?:~|null|Null|NULL)$/;
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function plainValue(s: string, line: number): unknown {
  if (s === "" || NULL.test(s)) return null;
  if (TRUE.test(s)) return true;
  if (FALSE.test(s)) return false;
  if (INT.test(s)) return Number(s.replaceAll("_", ""));
  if (FLOAT.test(s) && /[0-9]/.test(s)) return Number(s.replaceAll("_", ""));
  if (SPECIAL_FLOAT.test(s)) {
    return s.includes("nan") || s.includes("NaN") || s.includes("NAN")
      ? NaN
      : s.startsWith("-")
      ? -Infinity
      : Infinity;
  }
  if (/^0[0-9xo]|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/.test(s)) {
    throw new UnsupportedYaml(line, `plain scalar ${JSON.stringify(s)}`);
  }
  return s;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};

/** Parses the generator's YAML; throws {@linkcode UnsupportedYaml} outside the subset. */
export function parseBlockYaml(text: string): unknown {
  const lines = text.split(/\r?\n/);
  let pos = 0;
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const blank = (l: string | undefined) => l !== undefined && l.trim() === "";
  const skipBlank = () => {
    while (pos < lines.length && blank(lines[pos])) pos++;
  };

  /** A scalar starting with `first` on line `pos`, continued by lines indented more than `parent`. */
  function scalar(first: string, parent: number): unknown {
    const start = pos;
    if (first === "[]") return (pos++, []);
    if (first === "{}") return (pos++, {});
    const q = first[0];
    if (q === "'" || q === '"') return quoted(first, parent, start);
    if (/^[&*!|>%@`{[]/.test(first) || first.includes(" #")) {
      throw new UnsupportedYaml(start, `scalar ${JSON.stringify(first)}`);
    }
    const parts = [first.trim()];
    pos++;
    while (pos < lines.length) {
      const l = lines[pos] as string;
      if (!blank(l) && indentOf(l) <= parent) break;
      if (blank(l) && (pos + 1 >= lines.length || indentOf(lines[pos + 1] as string) <= parent)) {
        break;
      }
      parts.push(l.trim());
      pos++;
    }
    if (parts.length === 1) return plainValue(parts[0] as string, start);
    return fold(parts);
  }

  function fold(parts: string[]): string {
    let out = parts[0] as string;
    let breaks = 0;
    for (const p of parts.slice(1)) {
      if (p === "") {
        breaks++;
        continue;
      }
      out += breaks > 0 ? "\n".repeat(breaks) : " ";
      out += p;
      breaks = 0;
    }
    return out;
  }

  function quoted(first: string, parent: number, start: number): string {
    const q = first[0] as string;
    let buf = first.slice(1);
    let out = "";
    let pendingSpace = false;
    for (;;) {
      let i = 0;
      let line = "";
      let closed = false;
      let escapedBreak = false;
      while (i < buf.length) {
        const c = buf[i] as string;
        if (q === "'" && c === "'") {
          if (buf[i + 1] === "'") {
            line += "'";
            i += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (q === '"' && c === '"') {
          closed = true;
          break;
        }
        if (q === '"' && c === "\\") {
          const n = buf[i + 1];
          if (n === undefined) {
            escapedBreak = true;
            i++;
            break;
          }
          if (n === "x" || n === "u" || n === "U") {
            const len = n === "x" ? 2 : n === "u" ? 4 : 8;
            line += String.fromCodePoint(parseInt(buf.slice(i + 2, i + 2 + len), 16));
            i += 2 + len;
            continue;
          }
          if (!(n in ESCAPES)) throw new UnsupportedYaml(pos, `escape \\${n}`);
          line += ESCAPES[n];
          i += 2;
          continue;
        }
        line += c;
        i++;
      }
      if (closed) {
        const rest = buf.slice(i + 1).trim();
        if (rest !== "") throw new UnsupportedYaml(pos, "text after a quoted scalar");
        out += (pendingSpace ? " " : "") + line;
        pos++;
        return out;
      }
      // The scalar continues on the next line: fold the line break.
      const kept = escapedBreak ? line : line.replace(/[ \t]+$/, "");
      out += (pendingSpace ? " " : "") + kept;
      pos++;
      let breaks = 0;
      while (pos < lines.length && blank(lines[pos])) {
        breaks++;
        pos++;
      }
      if (pos >= lines.length || indentOf(lines[pos] as string) <= parent) {
        throw new UnsupportedYaml(start, "unterminated quoted scalar");
      }
      if (breaks > 0) out += "\n".repeat(breaks);
      pendingSpace = breaks === 0 && !escapedBreak;
      buf = (lines[pos] as string).trimStart();
    }
  }

  function keyOf(content: string): { key: string; rest: string } | undefined {
    if (content[0] === "'") {
      const m = /^'((?:[^']|'')*)':(?: +|$)(.*)$/.exec(content);
      return m ? { key: (m[1] as string).replaceAll("''", "'"), rest: m[2] as string } : undefined;
    }
    if (content[0] === '"') {
      const m = /^"((?:[^"\\]|\\.)*)":(?: +|$)(.*)$/.exec(content);
      if (!m) return undefined;
      return { key: JSON.parse(`"${m[1]}"`) as string, rest: m[2] as string };
    }
    const m = /^([^\s#:][^:]*?|):(?: +|$)(.*)$/.exec(content);
    if (!m) return undefined;
    return { key: m[1] as string, rest: m[2] as string };
  }

  function block(indent: number): unknown {
    skipBlank();
    const l = lines[pos];
    if (l === undefined) return null;
    const content = l.slice(indentOf(l));
    return content === "-" || content.startsWith("- ")
      ? sequence(indentOf(l))
      : mapping(indentOf(l), indent);
  }

  function mapping(indent: number, _parent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      skipBlank();
      const l = lines[pos];
      if (l === undefined || indentOf(l) !== indent) return out;
      const content = l.slice(indent);
      if (content.startsWith("- ") || content === "-") return out;
      if (content.startsWith("#")) throw new UnsupportedYaml(pos, "comment");
      const kv = keyOf(content);
      if (!kv) throw new UnsupportedYaml(pos, "not a key: value line");
      let value: unknown;
      if (kv.rest === "") {
        pos++;
        skipBlank();
        const next = lines[pos];
        if (next !== undefined && indentOf(next) > indent) value = block(indent);
        else if (
          next !== undefined && indentOf(next) === indent && /^-( |$)/.test(next.slice(indent))
        ) {
          value = sequence(indent);
        } else value = null;
      } else {
        value = scalar(kv.rest, indent);
      }
      Object.defineProperty(out, kv.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }

  function sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      skipBlank();
      const l = lines[pos];
      if (l === undefined || indentOf(l) !== indent) return out;
      const content = l.slice(indent);
      if (content !== "-" && !content.startsWith("- ")) return out;
      const rest = content.slice(2).trimStart();
      if (rest === "") {
        pos++;
        out.push(block(indent));
        continue;
      }
      const inner = indent + (content.length - rest.length);
      if (rest.startsWith("- ") || rest === "-" || (keyOf(rest) && !/^['"]/.test(rest))) {
        lines[pos] = " ".repeat(inner) + rest;
        out.push(rest.startsWith("-") ? sequence(inner) : mapping(inner, indent));
      } else {
        out.push(scalar(rest, indent));
      }
    }
  }

  skipBlank();
  if (pos < lines.length && /^(---|%)/.test(lines[pos] as string)) {
    throw new UnsupportedYaml(pos, "document marker");
  }
  const result = block(-1);
  skipBlank();
  if (pos < lines.length) throw new UnsupportedYaml(pos, "unexpected text");
  return result;
}
