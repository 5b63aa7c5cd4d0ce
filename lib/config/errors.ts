/**
 * Errors raised by lib/config. Every error carries a stable `code` so callers
 * (and the HTTP layer) switch on codes, never on message text. No message
 * ever holds the value of a secret option.
 *
 * @module
 */
import { pyRepr } from "./py.ts";
import { looksSecret } from "./redact.ts";

/**
 * Base class of every lib/config error.
 *
 * @example Switch on codes, not messages
 * ```ts
 * import { ConfigError, ConfigOpts, intOpt, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const conf = new ConfigOpts().register(optGroup("DEFAULT", [intOpt("n")]));
 * assert.throws(() => conf.loadTexts([{ name: "a.conf", text: "[DEFAULT]\nn = x\n" }]), (e) =>
 *   e instanceof ConfigError && e.code === "ERR_CONFIG_VALUE");
 * ```
 */
export class ConfigError extends Error {
  /** Stable machine-readable code. */
  readonly code: string = "ERR_CONFIG";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A config file could not be parsed; `line` is 1-based, `reason` is oslo.config's wording. */
export class ConfigFileParseError extends ConfigError {
  override readonly code = "ERR_CONFIG_PARSE";
  /** The file, or `<string>` for text without a file. */
  readonly file: string;
  /** 1-based line number of the offending line. */
  readonly line: number;
  /** oslo.config's message for the problem (`No ':' or '=' found in assignment`). */
  readonly reason: string;
  /** The offending line's text; withheld (undefined) when it may hold a secret. */
  readonly text: string | undefined;
  constructor(file: string, line: number, reason: string, text?: string) {
    const shown = text === undefined
      ? ""
      : looksSecret(text)
      ? ": (line not shown: it may hold a secret)"
      : `: ${pyRepr(text)}`;
    super(`Cannot parse ${file}: at line ${line}, ${reason}${shown}`);
    this.name = "ConfigFileParseError";
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.text = text === undefined || looksSecret(text) ? undefined : text;
  }
}

/** A value (from a file, the environment, the command line or a driver) is invalid for its option. */
export class ConfigFileValueError extends ConfigError {
  override readonly code = "ERR_CONFIG_VALUE";
  /** `GROUP/OPTION` of the offending option. */
  readonly option: string;
  /** Where the value came from, as text (`file.conf:12`, `environment variable OS_DEFAULT__DEBUG`). */
  readonly source: string;
  /** 1-based line when the value came from a file. */
  readonly line: number | undefined;
  constructor(
    option: string,
    source: string,
    reason: string,
    options: ErrorOptions & { line?: number } = {},
  ) {
    super(`Invalid value for option ${option} from ${source}: ${reason}`, options);
    this.name = "ConfigFileValueError";
    this.option = option;
    this.source = source;
    this.line = options.line;
  }
}

/** A required option has no value. */
export class RequiredOptError extends ConfigError {
  override readonly code = "ERR_CONFIG_REQUIRED";
  /** `GROUP/OPTION` of the missing option. */
  readonly option: string;
  constructor(option: string) {
    super(`Cannot start without option ${option}: it is required and has no value`);
    this.name = "RequiredOptError";
    this.option = option;
  }
}

/** An option that was never registered was asked for. */
export class NoSuchOptError extends ConfigError {
  override readonly code = "ERR_CONFIG_NO_SUCH_OPT";
  /** `GROUP/OPTION` that was asked for. */
  readonly option: string;
  constructor(option: string, detail = "it is not registered") {
    super(`Cannot find option ${option}: ${detail}`);
    this.name = "NoSuchOptError";
    this.option = option;
  }
}

/** A value refers (`$x`, `${group.x}`) to something it cannot be substituted with. */
export class InterpolationError extends ConfigError {
  override readonly code = "ERR_CONFIG_INTERPOLATION";
  /** `GROUP/OPTION` whose value holds the reference. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.name = "InterpolationError";
    this.option = option;
  }
}

/** A different option was registered under a name already taken. */
export class DuplicateOptError extends ConfigError {
  override readonly code = "ERR_CONFIG_DUPLICATE_OPT";
  constructor(option: string) {
    super(`Cannot register option ${option}: a different option has that name`);
    this.name = "DuplicateOptError";
  }
}

/** An option's default does not pass its own type. */
export class DefaultValueError extends ConfigError {
  override readonly code = "ERR_CONFIG_DEFAULT";
  constructor(option: string, value: string, reason: string) {
    super(`Invalid default ${pyRepr(value)} for option ${option}: ${reason}`);
    this.name = "DefaultValueError";
  }
}

/** Config files named on the command line do not exist. */
export class ConfigFilesNotFoundError extends ConfigError {
  override readonly code = "ERR_CONFIG_FILES_NOT_FOUND";
  /** The paths that could not be found. */
  readonly files: string[];
  constructor(files: string[]) {
    super(`Cannot find config files: ${files.map((f) => `"${f}"`).join(", ")}`);
    this.name = "ConfigFilesNotFoundError";
    this.files = files;
  }
}

/** Config files exist but cannot be read. */
export class ConfigFilesPermissionDeniedError extends ConfigError {
  override readonly code = "ERR_CONFIG_FILES_PERMISSION";
  /** The paths that could not be read. */
  readonly files: string[];
  constructor(files: string[]) {
    super(
      `Cannot open config files: ${files.map((f) => `"${f}"`).join(", ")} (permission denied)`,
    );
    this.name = "ConfigFilesPermissionDeniedError";
    this.files = files;
  }
}

/** A `--config-dir` does not exist. */
export class ConfigDirNotFoundError extends ConfigError {
  override readonly code = "ERR_CONFIG_DIR_NOT_FOUND";
  /** The directory. */
  readonly dir: string;
  constructor(dir: string) {
    super(`Cannot read config file directory "${dir}": it does not exist`);
    this.name = "ConfigDirNotFoundError";
    this.dir = dir;
  }
}

/** The command line could not be parsed. */
export class ArgsError extends ConfigError {
  override readonly code = "ERR_CONFIG_ARGS";
  constructor(message: string) {
    super(message);
    this.name = "ArgsError";
  }
}

/** A config source (`config_source` driver) failed; the message never holds a secret. */
export class ConfigSourceError extends ConfigError {
  override readonly code = "ERR_CONFIG_SOURCE";
  /** The `[group]` that configures the source. */
  readonly group: string;
  constructor(group: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigSourceError";
    this.group = group;
  }
}

/** Several errors found in one pass (every invalid value is reported at once). */
export class ConfigErrors extends ConfigError {
  override readonly code = "ERR_CONFIG_INVALID";
  /** The individual errors. */
  readonly errors: ConfigError[];
  constructor(errors: ConfigError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "ConfigErrors";
    this.errors = errors;
  }
}
