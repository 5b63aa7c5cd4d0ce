/**
 * A small metrics API over prom-client (the maintained Prometheus client for
 * Node, which runs unchanged in Deno): a registry per service (no global
 * state) and named counters, histograms and gauges. Declaring a metric again
 * with the same shape returns the same instrument, so areas can declare what
 * they feed without coordinating; a different shape is a `MetricsError`.
 * Other areas use these handles, never prom-client itself.
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
}

/** A histogram of observed values (seconds, bytes). */
export interface Histogram<L extends string = string> {
  observe(labels: Labels<L>, value: number): void;
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
interface Entry {
  kind: Kind;
  labels: string;
  buckets: string;
  metric: client.Counter | client.Histogram | client.Gauge;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

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

  #declare(name: string, kind: Kind, spec: MetricSpec<string>, buckets: readonly number[] = []) {
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
      return existing.metric;
    }
    const options = {
      name,
      help: spec.help,
      labelNames: [...(spec.labels ?? [])],
      registers: [this.#registry],
    };
    const metric = kind === "counter"
      ? new client.Counter(options)
      : kind === "gauge"
      ? new client.Gauge(options)
      : new client.Histogram({ ...options, buckets: [...buckets] });
    this.#entries.set(name, { ...shape, metric });
    return metric;
  }

  /** Declares (or gets) a counter. */
  counter<L extends string>(name: string, spec: MetricSpec<L>): Counter<L> {
    const c = this.#declare(name, "counter", spec) as client.Counter;
    return { inc: (labels = {}, value = 1) => c.inc(labels, value) };
  }

  /** Declares (or gets) a histogram with the given upper bounds. */
  histogram<L extends string>(
    name: string,
    spec: MetricSpec<L> & { buckets: readonly number[] },
  ): Histogram<L> {
    const h = this.#declare(name, "histogram", spec, spec.buckets) as client.Histogram;
    return { observe: (labels, value) => h.observe(labels, value) };
  }

  /** Declares (or gets) a gauge. */
  gauge<L extends string>(name: string, spec: MetricSpec<L>): Gauge<L> {
    const g = this.#declare(name, "gauge", spec) as client.Gauge;
    return {
      set: (labels, value) => g.set(labels, value),
      inc: (labels = {}, value = 1) => g.inc(labels, value),
      dec: (labels = {}, value = 1) => g.dec(labels, value),
    };
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
    const c = this.#declare(name, "counter", spec) as client.Counter;
    return this.beforeRender(() => {
      c.reset();
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
