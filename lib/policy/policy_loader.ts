/**
 * Keeps the rules current: reads the policy text or files, builds the rules,
 * and rebuilds when the text is replaced, defaults change, or file
 * modification times change (checked at most every `reloadInterval` ms).
 * A reload that fails keeps the rules loaded before; a first load that fails
 * leaves no rules (every decision denies).
 *
 * @module
 */
import { PolicyFileError } from "./errors.ts";
import { parsePolicyFile, type PolicyFile, WARN_JSON } from "./policy_file.ts";
import { readPolicySources, sourceStamp } from "./policy_source.ts";
import type { RuleSet } from "./rule_set.ts";

/** Where the rules come from and how they are built. */
export interface LoaderOptions {
  policyText?: string;
  policyName?: string;
  policyFile?: string;
  policyDirs?: readonly string[];
  reloadInterval?: number;
  /** Builds the rules from the parsed files; pushes warnings. */
  build(files: readonly PolicyFile[], warn: (m: string) => void): RuleSet;
  onWarning(message: string): void;
}

/** The load state of an enforcer's rules. */
export class PolicyLoader {
  readonly #o: LoaderOptions;
  #text: string | undefined;
  #rules: RuleSet | null = null;
  #dirty = true;
  #loading: Promise<void> | null = null;
  #stamp = "";
  #nextCheck = 0;
  warnings: string[] = [];
  loadedAt: Date | null = null;
  error: string | null = null;
  sources: string[] = [];
  /** Policy files configured but not found (the defaults apply). */
  missing: string[] = [];

  constructor(options: LoaderOptions) {
    this.#o = options;
    this.#text = options.policyText;
  }

  /** The current rules, or null before a successful load. */
  get rules(): RuleSet | null {
    return this.#rules;
  }

  get #hasFiles(): boolean {
    return this.#o.policyFile !== undefined || (this.#o.policyDirs?.length ?? 0) > 0;
  }

  /** Replaces the policy text; rebuilt on the next use. */
  setText(text: string): void {
    this.#text = text;
    this.#dirty = true;
  }

  /** Forces a rebuild on the next use. */
  invalidate(): void {
    this.#dirty = true;
  }

  /** Null when the rules are current; otherwise a promise that settles when they are. */
  ensure(): Promise<void> | null {
    if (this.#loading) return this.#loading;
    if (this.#dirty) return this.#track(this.load(false));
    if (!this.#hasFiles || Date.now() < this.#nextCheck) return null;
    return this.#track(this.#reloadIfChanged());
  }

  #track(p: Promise<void>): Promise<void> {
    this.#loading = p.finally(() => (this.#loading = null));
    return this.#loading;
  }

  async #reloadIfChanged(): Promise<void> {
    let stamp: string;
    try {
      stamp = await sourceStamp(this.#o.policyFile, this.#o.policyDirs ?? []);
    } catch (e) {
      this.#o.onWarning((e as Error).message);
      this.#nextCheck = Date.now() + (this.#o.reloadInterval ?? 1000);
      return;
    }
    this.#nextCheck = Date.now() + (this.#o.reloadInterval ?? 1000);
    if (stamp !== this.#stamp) await this.load(false);
  }

  async #readFiles(): Promise<PolicyFile[]> {
    const name = this.#o.policyName ?? "policy.yaml";
    const files: PolicyFile[] = [];
    if (this.#text !== undefined) files.push(parsePolicyFile(this.#text, name));
    if (!this.#hasFiles) return files;
    const snap = await readPolicySources(this.#o.policyFile, this.#o.policyDirs ?? []);
    this.#stamp = snap.stamp;
    // A missing policy file is normal (policy in code): oslo.policy logs it at debug level only.
    this.missing = snap.missing;
    for (const t of snap.texts) files.push(parsePolicyFile(t.text, t.file));
    return files;
  }

  /** Loads now; with `rethrow`, a bad file rejects (otherwise it is a warning). */
  async load(rethrow: boolean): Promise<void> {
    this.#dirty = false;
    const warnings: string[] = [];
    try {
      const files = await this.#readFiles();
      if (files.some((f) => f.format === "json")) warnings.push(WARN_JSON);
      this.#rules = this.#o.build(files, (m) => warnings.push(m));
      this.warnings = warnings;
      this.sources = files.map((f) => f.file);
      this.loadedAt = new Date();
      this.error = null;
      for (const w of warnings) this.#o.onWarning(w);
    } catch (e) {
      this.error = (e as Error).message;
      const keep = this.#rules ? "keeping the rules loaded before" : "denying every request";
      this.#o.onWarning(`${(e as Error).message} (${keep})`);
      if (rethrow || !(e instanceof PolicyFileError)) throw e;
    } finally {
      this.#nextCheck = Date.now() + (this.#o.reloadInterval ?? 1000);
    }
  }
}
