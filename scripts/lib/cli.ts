import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

// What every CLI in scripts/ shares: a request error is answered with the usage and exit code 2, never
// with a stack trace, and an output path is checked before the work that would be lost without it.

/** An error in the user's request (exit code 2), as opposed to a failure while running. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode; an unknown flag or a missing value becomes a UsageError. */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Run a CLI's main: a UsageError prints "error: ..." and the usage and exits 2; anything else exits 1. */
/** parseFlags for commands that also take paths (the merges: `npm run eval:merge -- shard-*.jsonl --out F`). */
export function parseFlagsAndPaths<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function runCli(name: string, usage: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (e) => {
      if (e instanceof UsageError) {
        process.stderr.write(`error: ${e.message}\n\n${usage}`);
        process.exit(2);
      }
      process.stderr.write(`${name} failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}

const reason = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  const what: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'the file system does not allow creating it there',
    ENOTDIR: 'a parent of it is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
  };
  return err.code && what[err.code] ? `${what[err.code]} (${err.code})` : err.message;
};

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns on some file systems that refuse
 * a new folder with ENOENT (it keeps re-creating the existing parent), e.g. under /proc.
 */
function makeDirs(abs: string): void {
  const missing: string[] = [];
  let p = abs;
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!statSync(p).isDirectory()) throw Object.assign(new Error(`${p} is a file`), { code: 'ENOTDIR' });
  for (const d of missing) mkdirSync(d);
}

/**
 * Make sure `dir` exists (creating it) and a file can be created in it. Throws a UsageError naming the
 * folder and why, so a run never starts that could not keep what it makes.
 */
export function ensureWritableDir(dir: string, what = 'the output folder'): void {
  const abs = resolve(dir);
  try {
    makeDirs(abs);
    const probe = join(abs, `.write-test-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${abs}: ${reason(e)}`);
  }
}

/**
 * Check that `file` can be written without touching it: an existing file must be writable, a new one
 * needs a writable folder (created if missing). Throws a UsageError naming the path.
 */
export function checkWritableFile(file: string, what = 'the output file'): void {
  const abs = resolve(file);
  try {
    if (existsSync(abs)) {
      if (statSync(abs).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
      accessSync(abs, constants.W_OK);
      return;
    }
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${abs}: ${reason(e)}`);
  }
  ensureWritableDir(dirname(abs), `${what} ${abs}: its folder`);
}
