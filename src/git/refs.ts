import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { OvError } from "../core/errors.js";
import { INTERNAL_ENV, firstLine, runGit, startGit } from "./exec.js";
import { ZERO_OID } from "./objects.js";
import { listFilesBackend } from "./ref-list.js";
import { raceproofCreate } from "./raceproof.js";
import type { RepoPaths } from "./repo.js";

/** Result of one compare-and-set attempt. */
export type CasResult = { ok: true } | { ok: false; reason: "moved" | "locked"; lockPath?: string };

export interface RefUpdate {
  ref: string;
  /** New value; `undefined` deletes the ref. */
  next: string | undefined;
  /** Expected old value; `undefined` means "must not exist". */
  prev: string | undefined;
}

export type CasMode = "git" | "fast";

/**
 * Reading and moving refs. `cas` is a compare-and-set: it lands only if the ref still holds `prev`.
 * Mode `git` runs `git update-ref`; mode `fast` follows git's lock-file protocol in-process
 * (files backend only, never for deletes, which always go through git).
 */
export class Refs {
  readonly mode: CasMode;
  constructor(
    private readonly repo: RepoPaths,
    mode: CasMode,
  ) {
    this.mode = repo.reftable ? "git" : mode;
  }

  /** Current oid of `ref`, or undefined. */
  async read(ref: string): Promise<string | undefined> {
    if (!this.repo.reftable) return readFilesBackend(this.repo.commonDir, ref);
    const res = await runGit(["rev-parse", "--verify", "-q", `${ref}^{commit}`], {
      cwd: this.repo.cwd,
      check: false,
    });
    return res.code === 0 ? res.stdout.trim() : undefined;
  }

  /** Lists refs under `prefix` (e.g. `refs/ov/sessions/`) with their oids. */
  async list(prefix: string): Promise<{ ref: string; oid: string }[]> {
    const res = await runGit(["for-each-ref", "--format=%(objectname) %(refname)", prefix], {
      cwd: this.repo.cwd,
    });
    return res.stdout
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => {
        const sp = l.indexOf(" ");
        return { oid: l.slice(0, sp), ref: l.slice(sp + 1) };
      });
  }

  /** Like `list`, without spawning git on the files backend (for pollers); reftable falls back to `list`. */
  async listFast(prefix: string): Promise<{ ref: string; oid: string }[]> {
    return this.repo.reftable ? this.list(prefix) : listFilesBackend(this.repo.commonDir, prefix);
  }

  async cas(ref: string, next: string, prev: string | undefined, reflogMsg = "git ov"): Promise<CasResult> {
    if (this.mode === "fast") return fastCas(this.repo.commonDir, ref, next, prev);
    return this.transact([{ ref, next, prev }], reflogMsg);
  }

  /** All-or-nothing update of several refs through one `git update-ref --stdin`. */
  transact(updates: readonly RefUpdate[], reflogMsg = "git ov"): Promise<CasResult> {
    return this.startUpdateRef(reflogMsg).commit(updates);
  }

  /**
   * Begins a compare-and-set of `refCount` refs *before* the caller reads them. On the git path,
   * `git update-ref --stdin` starts now and waits for its input, so its start-up (several ms, far more
   * on a loaded machine) is not part of the window in which a concurrent writer can move the ref:
   * that window shrinks to git's lock-verify-rename, and fewer attempts lose the race.
   */
  begin(refCount: number, reflogMsg = "git ov"): RefTransaction {
    if (this.mode === "fast" && refCount === 1) {
      return {
        commit: (updates) => {
          const u = updates[0];
          if (updates.length === 1 && u?.next !== undefined)
            return Promise.resolve(fastCas(this.repo.commonDir, u.ref, u.next, u.prev));
          return this.transact(updates, reflogMsg);
        },
        cancel: () => {},
      };
    }
    return this.startUpdateRef(reflogMsg);
  }

  private startUpdateRef(reflogMsg: string): RefTransaction {
    // No waiting on a held ref lock (git's default is 100 ms): its holder is about to move the ref,
    // so our expected old value is already stale; the store re-reads and retries with jitter instead.
    const git = startGit(["-c", "core.filesRefLockTimeout=0", "update-ref", "-m", reflogMsg, "--stdin"], {
      cwd: this.repo.cwd,
      env: { [INTERNAL_ENV]: "1" },
      check: false,
    });
    let finished = false;
    return {
      async commit(updates) {
        finished = true;
        const res = await git.finish(`${updates.map(updateLine).join("\n")}\n`);
        return res.code === 0 ? { ok: true } : classifyUpdateRefFailure(res.stderr, updates);
      },
      cancel() {
        if (finished) return;
        finished = true;
        // Empty input: git update-ref exits without touching any ref.
        git.finish("").catch(() => {});
      },
    };
  }
}

/** A compare-and-set begun by `Refs.begin`: `commit` exactly once, or `cancel`. */
export interface RefTransaction {
  /** Lands every update or none. */
  commit(updates: readonly RefUpdate[]): Promise<CasResult>;
  /** Abandons the transaction without touching any ref. */
  cancel(): void;
}

function updateLine(u: RefUpdate): string {
  const old = u.prev ?? ZERO_OID;
  return u.next === undefined ? `delete ${u.ref} ${old}` : `update ${u.ref} ${u.next} ${old}`;
}

function classifyUpdateRefFailure(stderr: string, updates: readonly RefUpdate[]): CasResult {
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr);
  if (lock?.[1]) return { ok: false, reason: "locked", lockPath: lock[1] };
  if (
    /cannot lock ref|is at .* but expected|reference already exists|unable to resolve reference|but expected/i.test(
      stderr,
    )
  ) {
    return { ok: false, reason: "moved" };
  }
  if (/Permission denied|Read-only file system/i.test(stderr)) {
    throw new OvError("READ_ONLY", `cannot update refs: ${firstLine(stderr)}`, {
      hint: "git ov needs write access to the repository's .git directory",
    });
  }
  throw new OvError("GIT_FAILED", `git update-ref failed: ${firstLine(stderr)}`, {
    data: { refs: updates.map((u) => u.ref), stderr },
  });
}

/** Reads a ref from the files backend: the loose file first, then packed-refs. */
export function readFilesBackend(commonDir: string, ref: string): string | undefined {
  try {
    const text = readFileSync(join(commonDir, ref), "utf8").trim();
    if (/^[0-9a-f]{40,64}$/.test(text)) return text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EISDIR") throw e;
  }
  return readPacked(commonDir, ref);
}

function readPacked(commonDir: string, ref: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(commonDir, "packed-refs"), "utf8");
  } catch {
    return undefined;
  }
  const needle = ` ${ref}\n`;
  const at = text.indexOf(needle);
  if (at < 0) {
    if (text.endsWith(` ${ref}`)) return text.slice(text.lastIndexOf("\n") + 1).split(" ")[0];
    return undefined;
  }
  const start = text.lastIndexOf("\n", at) + 1;
  return text.slice(start, at);
}

/**
 * In-process compare-and-set following git's lock-file protocol: create `<ref>.lock` with O_EXCL,
 * verify the current value (loose, then packed), write the new value, rename over the ref.
 * `git pack-refs` takes the same per-ref lock before pruning a loose ref, so the two exclude each other.
 */
export function fastCas(commonDir: string, ref: string, next: string, prev: string | undefined): CasResult {
  const path = join(commonDir, ref);
  const lockPath = `${path}.lock`;
  let fd: number;
  try {
    fd = raceproofCreate(dirname(path), () => openSync(lockPath, "wx", 0o644));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return { ok: false, reason: "locked", lockPath };
    if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
      throw new OvError("READ_ONLY", `cannot update ${ref}: ${code}`, {
        hint: "git ov needs write access to the repository's .git directory",
      });
    }
    throw e;
  }
  try {
    const current = readFilesBackend(commonDir, ref);
    if (current !== prev) {
      closeSync(fd);
      unlinkSync(lockPath);
      return { ok: false, reason: "moved" };
    }
    writeSync(fd, `${next}\n`);
    closeSync(fd);
    renameSync(lockPath, path);
    return { ok: true };
  } catch (e) {
    try {
      unlinkSync(lockPath);
    } catch {
      /* already renamed or removed */
    }
    throw e;
  }
}
