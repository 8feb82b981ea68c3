import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { UserInputError } from "./errors";

/**
 * Reads a file a user points a command at (stack config, exemption register, event log, token,
 * policy config) without trusting what it is. The file is opened non-blocking, so a FIFO cannot
 * hang the command, then judged by `fstat` of the open descriptor (no race between check and
 * read): only a regular file within the size limit is read, and never past the limit, so
 * `/dev/zero`, a FIFO, a directory or a file that grows while it is read is refused with exit 2
 * before it fills memory.
 */

/** Sane upper bounds per kind of input, in bytes. */
export const INPUT_LIMITS = {
  /** A `Pulumi.<stack>.yaml`: the bundled ones are a few kB; a 200-environment org is ~100 kB. */
  stackFile: 1024 * 1024,
  /** The exemption register. */
  exemptions: 1024 * 1024,
  /** A `--policy-pack-config` file. */
  policyConfig: 1024 * 1024,
  /** A GitHub OIDC token or its claims: a few kB. */
  token: 64 * 1024,
  /** `pulumi preview --event-log`: ~2 kB per event; 10,000 resources write ~60 MB. */
  eventLog: 256 * 1024 * 1024,
  /** A team's `Pulumi.yaml` (a few lines) or its program's `package.json`. */
  projectFile: 1024 * 1024,
  /** A planned stack's outputs (`--stack-outputs`): the 200-environment organization's are ~200 kB. */
  stackOutputs: 16 * 1024 * 1024,
} as const;

export interface ReadInputOptions {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file should be, for the message: "a stack config file". */
  what: string;
}

/** A refused input file; `found` says what it was instead, for commands with their own message format. */
export class InputFileError extends UserInputError {
  constructor(
    readonly file: string,
    readonly options: ReadInputOptions,
    readonly found: string,
  ) {
    super([`${file}: (file): expected ${expectedFile(options)}, found ${found}`]);
  }
}

/** "a stack config file (a regular file of at most 1 MiB)" */
export function expectedFile(options: ReadInputOptions): string {
  return `${options.what} (a regular file of at most ${formatBytes(options.maxBytes)})`;
}

/** Reads a regular file of at most `maxBytes` as UTF-8; anything else is a UserInputError. */
export function readInputFile(file: string, options: ReadInputOptions): string {
  const refuse = (found: string) => new InputFileError(file, options, found);
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(describeOpenError(error as NodeJS.ErrnoException));
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw refuse(describeKind(stats));
    if (stats.size > options.maxBytes) throw refuse(`${formatBytes(stats.size)}`);
    // Read at most one byte past the limit: a file that grows after fstat is still refused.
    const buffer = Buffer.alloc(Math.min(stats.size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) throw refuse(`more than ${formatBytes(options.maxBytes)}`);
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return utf8Text(buffer.subarray(0, length), refuse);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw refuse(describeOpenError(error as NodeJS.ErrnoException));
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The bytes as UTF-8 text. Invalid bytes would otherwise become U+FFFD and reach a config value
 * or a name unnoticed ("dev\uFFFD" is not "dev"); every input here is UTF-8, as YAML and JSON are.
 */
function utf8Text(bytes: Buffer, refuse: (found: string) => InputFileError): string {
  // A byte-order mark is dropped, as YAML parsers do; JSON.parse would refuse it.
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString("utf8");
    const line = text.slice(0, text.indexOf("\uFFFD")).split("\n").length;
    throw refuse(`bytes that are not UTF-8 text (line ${line})`);
  }
}

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "something that is not a regular file";
}

function describeOpenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "a file without read permission";
    case "EISDIR":
      return "a directory";
    case "ELOOP":
      return "a symbolic link loop";
    case "ENXIO":
      return "a socket or device that cannot be opened";
    default:
      return `an unreadable file (${error.code ?? error.message})`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
