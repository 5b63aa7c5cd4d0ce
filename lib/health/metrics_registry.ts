/**
 * A small metrics API over prom-client (the maintained Prometheus client for
 * Node, which runs unchanged in Deno): a registry per service (no global
 * state) and named counters, histograms and gauges. prom-client's Registry
 * renders the text format and collects the process metrics; the instruments
 * are lean ones registered in it (one Map lookup per update, where
 * prom-client's own sort and hash the label object each time). Declaring a
 * metric again with the same shape returns the same instrument, so areas can
 * declare what they feed without coordinating; a different shape is a
 * `MetricsError`. Other areas use these handles, never prom-client itself.
 *
 * @module
 */
import client from "prom-client";
import { MetricsError } from "./errors.ts";

/** Label values by label name. */
export type Labels<L extends string> = Partial<Record<L, string | number>>;

/** A counter: only goes up. */
export interface Counter<L extends string = string> {
  inc(labels?: Labels<L>, value?: number): void;
  /** The series for these labels, for hot paths that feed it often. */
  bind(labels?: Labels<L>): { inc(value?: number): void };
}

/** A histogram of observed values (seconds, bytes). */
export interface Histogram<L extends string = string> {
  observe(labels: Labels<L>, value: number): void;
  /** The series for these labels, for hot paths that feed it often. */
  bind(labels?: Labels<L>): { observe(value: number): void };
}

/** A value that goes up and down. */
export interface Gauge<L extends string = string> {
  set(labels: Labels<L>, value: number): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
}

/** Declaration of a metric. */
export interface MetricSpec<L extends string> {
  /** What it measures (Prometheus `# HELP`). */
  help: string;
  /** Label names. */
  labels?: readonly L[];
}

type Kind = "counter" | "histogram" | "gauge";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A prom-client metric as its Registry reads it (`get()` → values it formats). */
interface PromValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * One metric's series, keyed by its label values in declared order: one Map
 * lookup per update (prom-client's own instruments sort and hash the label
 * object on every call, which shows on the health probes' hot path).
 */
class Series<E> {
  readonly #names: readonly string[];
  readonly #known: ReadonlySet<string>;
  readonly #metric: string;
  readonly entries = new Map<string, { labels: Record<string, string>; data: E }>();

  constructor(metric: string, names: readonly string[]) {
    this.#metric = metric;
    this.#names = names;
    this.#known = new Set(names);
  }

  get(labels: Labels<string> | undefined, init: () => E): E {
    let key = "";
    if (labels) {
      for (const name in labels) {
        if (!this.#known.has(name)) {
          throw new MetricsError(`Metric "${this.#metric}" has no label "${name}"`);
        }
      }
      for (const name of this.#names) key += `${labels[name] ?? ""}\u0001`;
    }
    let entry = this.entries.get(key);
    if (!entry) {
      const clean: Record<string, string> = {};
      for (const name of this.#names) {
        const v = labels?.[name];
        if (v !== undefined) clean[name] = String(v);
      }
      entry = { labels: clean, data: init() };
      this.entries.set(key, entry);
    }
    return entry.data;
  }
}

interface Entry {
  kind: Kind;
  labels: string;
  buckets: string;
  handle: unknown;
  reset(): void;
}
/**
 * The metrics of one service, rendered in Prometheus' text format.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "./metrics_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * const decisions = registry.counter("policy_decisions_total", {
 *   help: "Policy decisions.",
 *   labels: ["rule", "result"],
 * });
 * decisions.inc({ rule: "os:get", result: "allow" });
 * assert.match(await registry.render(), /^policy_decisions_total\{rule="os:get",result="allow"\} 1$/m);
 * ```
 */
export class MetricsRegistry {
  readonly #registry = new client.Registry();
  readonly #entries = new Map<string, Entry>();
  readonly #collectors: (() => void)[] = [];

  /** `Content-Type` of {@linkcode MetricsRegistry.render}'s output. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Adds the process metrics (CPU, memory, event loop lag, GC) prom-client collects. */
  collectProcessMetrics(): this {
    client.collectDefaultMetrics({ register: this.#registry });
    return this;
  }

  #declare<H>(
    name: string,
    kind: Kind,
    spec: MetricSpec<string>,
    build: (series: Series<never>) => { handle: H; values: () => PromValue[]; reset(): void },
    buckets: readonly number[] = [],
  ): H {
    if (!NAME.test(name)) throw new MetricsError(`Invalid metric name "${name}"`);
    const labels = [...(spec.labels ?? [])].join(",");
    const shape = { kind, labels, buckets: buckets.join(",") };
    const existing = this.#entries.get(name);
    if (existing) {
      if (
        existing.kind !== kind || existing.labels !== labels || existing.buckets !== shape.buckets
      ) {
        throw new MetricsError(
          `Cannot declare metric "${name}" as ${kind}(${labels}): it is already a ${existing.kind}(${existing.labels})`,
        );
      }
      return existing.handle as H;
    }
    if ((spec.labels ?? []).includes("le" as never) && kind === "histogram") {
      throw new MetricsError(
        `Metric "${name}" cannot have a label "le" (histogram buckets use it)`,
      );
    }
    const built = build(new Series<never>(name, spec.labels ?? []));
    this.#registry.registerMetric({
      name,
      help: spec.help,
      type: kind,
      aggregator: "sum",
      get: () => Promise.resolve({ name, help: spec.help, type: kind, values: built.values() }),
      reset: built.reset,
    } as unknown as client.Metric);
    this.#entries.set(name, { ...shape, handle: built.handle, reset: built.reset });
    return built.handle;
  }

  /** Declares (or gets) a counter. */
  counter<L extends string>(name: string, spec: MetricSpec<L>): Counter<L> {
    return this.#declare(name, "counter", spec, (series) => {
      const s = series as unknown as Series<{ v: number }>;
      const init = () => ({ v: 0 });
      const add = (c: { v: number }, value: number) => {
        if (!(value >= 0)) throw new MetricsError(`Counter "${name}" cannot go down (${value})`);
        c.v += value;
      };
      return {
        handle: {
          inc: (labels?: Labels<L>, value = 1) => add(s.get(labels, init), value),
          bind(labels?: Labels<L>) {
            const c = s.get(labels, init);
            return { inc: (value = 1) => add(c, value) };
          },
        },
        values: () => [...s.entries.values()].map((e) => ({ labels: e.labels, value: e.data.v })),
        reset: () => s.entries.clear(),
      };
    });
  }

  /** Declares (or gets) a histogram with the given upper bounds. */
  histogram<L extends string>(
    name: string,
    spec: MetricSpec<L> & { buckets: readonly number[] },
  ): Histogram<L> {
    const bounds = [...spec.buckets].sort((a, b) => a - b);
    const record = (h: { counts: number[]; sum: number; count: number }, value: number) => {
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          h.counts[i]!++;
          break;
        }
      }
      h.sum += value;
      h.count++;
    };
    return this.#declare(name, "histogram", spec, (series) => {
      const s = series as unknown as Series<{ counts: number[]; sum: number; count: number }>;
      const init = () => ({ counts: new Array<number>(bounds.length).fill(0), sum: 0, count: 0 });
      return {
        handle: {
          observe: (labels: Labels<L>, value: number) => record(s.get(labels, init), value),
          bind(labels?: Labels<L>) {
            const h = s.get(labels, init);
            return { observe: (value: number) => record(h, value) };
          },
        },
        values: () => {
          const out: PromValue[] = [];
          for (const { labels, data } of s.entries.values()) {
            let cumulative = 0;
            bounds.forEach((le, i) => {
              cumulative += data.counts[i]!;
              out.push({
                labels: { ...labels, le },
                value: cumulative,
                metricName: `${name}_bucket`,
              });
            });
            out.push({
              labels: { ...labels, le: "+Inf" },
              value: data.count,
              metricName: `${name}_bucket`,
            });
            out.push({ labels, value: data.sum, metricName: `${name}_sum` });
            out.push({ labels, value: data.count, metricName: `${name}_count` });
          }
          return out;
        },
        reset: () => s.entries.clear(),
      };
    }, bounds);
  }

  /** Declares (or gets) a gauge. */
  gauge<L extends string>(name: string, spec: MetricSpec<L>): Gauge<L> {
    return this.#declare(name, "gauge", spec, (series) => {
      const s = series as unknown as Series<{ v: number }>;
      const init = () => ({ v: 0 });
      return {
        handle: {
          set: (labels: Labels<L>, value: number) => void (s.get(labels, init).v = value),
          inc: (labels?: Labels<L>, value = 1) => void (s.get(labels, init).v += value),
          dec: (labels?: Labels<L>, value = 1) => void (s.get(labels, init).v -= value),
        },
        values: () => [...s.entries.values()].map((e) => ({ labels: e.labels, value: e.data.v })),
        reset: () => s.entries.clear(),
      };
    });
  }

  /**
   * Declares a counter whose totals are kept elsewhere (a connection's
   * message counts): `read` gives them at every render.
   */
  observedCounter<L extends string>(
    name: string,
    spec: MetricSpec<L>,
    read: () => readonly { labels: Labels<L>; value: number }[],
  ): () => void {
    const c = this.counter(name, spec);
    const entry = this.#entries.get(name)!;
    return this.beforeRender(() => {
      entry.reset();
      for (const { labels, value } of read()) c.inc(labels, value);
    });
  }

  /** Runs `fn` before every render (to copy counters kept elsewhere, such as connection stats). */
  beforeRender(fn: () => void): () => void {
    this.#collectors.push(fn);
    return () => {
      const i = this.#collectors.indexOf(fn);
      if (i >= 0) this.#collectors.splice(i, 1);
    };
  }

  /** Every metric in Prometheus' text exposition format (0.0.4). */
  async render(): Promise<string> {
    for (const fn of this.#collectors) fn();
    return await this.#registry.metrics();
  }
}
