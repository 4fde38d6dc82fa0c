import { OvError } from "../core/errors.js";
import { encodeRefComponent } from "../core/ids.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import { currentHost, currentPid, pidAlive } from "../sys/process.js";
import type { Deps } from "../store/deps.js";
import { parseDoc } from "../store/documents.js";
import { formatMessage } from "../store/message.js";
import { LOCK_FILE, LOCK_PREFIX, type LockInfo, lockValidator } from "./types.js";

/** The lock ref of a target branch; the name is encoded so `feature/x` and `feature` never collide. */
export function lockRef(target: string): string {
  return `${LOCK_PREFIX}${encodeRefComponent(target)}`;
}

export interface LockState {
  ref: string;
  commit: string;
  /** Undefined when the lock document is unreadable (treated as stale). */
  info: LockInfo | undefined;
}

/** The current holder of a target's merge lock, if any. */
export async function readMergeLock(deps: Deps, target: string): Promise<LockState | undefined> {
  const ref = lockRef(target);
  const commit = await deps.git.refs.read(ref);
  if (!commit) return undefined;
  const obj = await deps.git.readObject(`${commit}:${LOCK_FILE}`);
  const res = parseDoc(obj?.body.toString("utf8"), lockValidator, { ref, commit, path: LOCK_FILE });
  return { ref, commit, info: res?.ok ? res.value : undefined };
}

/** Why a held lock may be taken over (dead holder on this host, expired lease, unreadable), or undefined. */
export function staleReason(info: LockInfo | undefined, nowMs: number, host: string): string | undefined {
  if (!info) return "unreadable lock document";
  if (info.host === host && !pidAlive(info.pid)) return `holder pid ${info.pid} is not running`;
  const renewed = Date.parse(info.renewed);
  if (!Number.isFinite(renewed) || nowMs > renewed + info.leaseMs)
    return `lease expired at ${isoTime(renewed + info.leaseMs)}`;
  return undefined;
}

export interface AcquireOptions {
  /** Who holds it (an agent name, or `git-ov merge`). */
  holder: string;
  /** Wait this long for a live holder (0 = refuse at once). */
  waitMs: number;
  leaseMs: number;
}

/** A held merge lock. `release` deletes the ref with CAS; `renew` extends the lease. */
export class MergeLock {
  constructor(
    private readonly deps: Deps,
    readonly target: string,
    readonly ref: string,
    private commit: string,
    private info: LockInfo,
    /** Why a previous holder's lock was taken over, if it was. */
    readonly tookOver: string | undefined,
  ) {}

  /** Extends the lease; returns false when the lock was lost (taken over after the lease expired). */
  async renew(): Promise<boolean> {
    const info = { ...this.info, renewed: isoTime(this.deps.clock.now()) };
    const next = writeLockCommit(this.deps, info, this.commit, "renew");
    const res = await this.deps.git.refs.cas(this.ref, next, this.commit);
    if (!res.ok) return false;
    this.commit = next;
    this.info = info;
    return true;
  }

  /** Deletes the lock ref if it is still ours; idempotent. */
  async release(): Promise<void> {
    await this.deps.git.refs.transact(
      [{ ref: this.ref, next: undefined, prev: this.commit }],
      "git ov merge: unlock",
    );
  }
}

function writeLockCommit(deps: Deps, info: LockInfo, parent: string | undefined, verb: string): string {
  const blob = deps.git.objects.blob(canonicalJson(info));
  const tree = deps.git.objects.tree([{ mode: "100644", name: LOCK_FILE, oid: blob }]);
  const message = formatMessage({
    subject: `merge lock ${info.target}: ${verb} by ${info.holder} (pid ${info.pid} on ${info.host})`,
    trailers: { "Ov-Op": `merge-lock-${verb}`, "Ov-Target": info.target, "Ov-Holder": info.holder },
  });
  const sig = { name: "git-ov", email: "git-ov@localhost", when: deps.clock.now() };
  return deps.git.objects.commit(tree, parent ? [parent] : [], sig, message);
}

/**
 * Takes the merge lock of `target`: creates the ref by CAS from nothing, or takes over a stale
 * holder by CAS from its commit. A live holder makes it wait up to `waitMs`, then throw LOCKED.
 */
export async function acquireMergeLock(deps: Deps, target: string, opts: AcquireOptions): Promise<MergeLock> {
  const ref = lockRef(target);
  const host = currentHost();
  const started = deps.clock.now();
  for (let attempt = 1; ; attempt++) {
    const cur = await readMergeLock(deps, target);
    const now = deps.clock.now();
    const stale = cur ? staleReason(cur.info, now, host) : undefined;
    if (!cur || stale !== undefined) {
      const info: LockInfo = {
        v: 1,
        target,
        holder: opts.holder,
        pid: currentPid(),
        host,
        started: isoTime(now),
        renewed: isoTime(now),
        leaseMs: opts.leaseMs,
      };
      const commit = writeLockCommit(deps, info, cur?.commit, cur ? "take-over" : "acquire");
      const res = await deps.git.refs.cas(ref, commit, cur?.commit);
      if (res.ok) return new MergeLock(deps, target, ref, commit, info, stale);
      continue; // someone else moved it first: look again
    }
    const waited = now - started;
    if (waited >= opts.waitMs) throw lockedError(target, ref, cur.info!, opts.waitMs);
    await deps.clock.sleep(Math.min(200, 20 * attempt, opts.waitMs - waited));
  }
}

function lockedError(target: string, ref: string, info: LockInfo, waitMs: number): OvError {
  const waited = waitMs > 0 ? ` after waiting ${waitMs} ms` : "";
  return new OvError(
    "LOCKED",
    `another git ov merge into '${target}' is running${waited}: ${info.holder} (pid ${info.pid} on ${info.host}, since ${info.started})`,
    {
      data: { target, ref, holder: info },
      hint: `wait for it to finish, or set merge.lockTimeoutMs to wait; a dead holder is taken over automatically (inspect: git show ${ref}:${LOCK_FILE})`,
    },
  );
}
