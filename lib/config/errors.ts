/**
 * Errors raised by lib/config. Every error carries a stable `code` so callers
 * (and the HTTP layer) switch on codes, never on message text.
 *
 * @module
 */

/** Base class of every lib/config error. */
export class ConfigError extends Error {
  /** Stable machine-readable code. */
  readonly code: string = "ERR_CONFIG";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A config file could not be parsed; `line` is 1-based. */
export class ConfigFileParseError extends ConfigError {
  override readonly code = "ERR_CONFIG_PARSE";
  /** The file, or `<string>` for text without a file. */
  readonly file: string;
  /** 1-based line number of the offending line. */
  readonly line: number;
  /** The offending line's text. */
  readonly text: string | undefined;
  constructor(file: string, line: number, reason: string, text?: string) {
    super(
      `Cannot parse ${file}: at line ${line}, ${reason}${
        text === undefined ? "" : `: ${JSON.stringify(text)}`
      }`,
    );
    this.name = "ConfigFileParseError";
    this.file = file;
    this.line = line;
    this.text = text;
  }
}

/** A value (from a file, the environment or the command line) is invalid for its option. */
export class ConfigFileValueError extends ConfigError {
  override readonly code = "ERR_CONFIG_VALUE";
  /** `GROUP/OPTION` of the offending option. */
  readonly option: string;
  /** Where the value came from, as text (`file.conf:12`, `OS_DEFAULT__DEBUG`). */
  readonly source: string;
  constructor(option: string, source: string, reason: string, options?: ErrorOptions) {
    super(`Invalid value for option ${option} from ${source}: ${reason}`, options);
    this.name = "ConfigFileValueError";
    this.option = option;
    this.source = source;
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

/** An option or group that was never registered was asked for. */
export class NoSuchOptError extends ConfigError {
  override readonly code = "ERR_CONFIG_NO_SUCH_OPT";
  /** `GROUP/OPTION` that was asked for. */
  readonly option: string;
  constructor(option: string) {
    super(`Cannot find option ${option}: it is not registered`);
    this.name = "NoSuchOptError";
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
  constructor(option: string, reason: string) {
    super(`Invalid default for option ${option}: ${reason}`);
    this.name = "DefaultValueError";
  }
}

/** Config files or directories named on the command line do not exist or cannot be read. */
export class ConfigFilesNotFoundError extends ConfigError {
  override readonly code = "ERR_CONFIG_FILES_NOT_FOUND";
  /** The paths that could not be read. */
  readonly files: string[];
  constructor(files: string[]) {
    super(`Cannot read config files: ${files.map((f) => `"${f}"`).join(", ")}`);
    this.name = "ConfigFilesNotFoundError";
    this.files = files;
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
