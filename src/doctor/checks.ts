import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_REF, readStoredConfig } from "../config/config.js";
import { ovDir } from "../git/repo.js";
import type { Deps } from "../store/deps.js";
import { describeProblem } from "../store/store.js";
import { hookStatus, installHooks } from "../setup/hooks.js";
import { initRepo } from "../setup/init.js";
import { existsSync } from "node:fs";
import { DOCUMENT_KINDS } from "./documents.js";

export type { CheckResult, CheckStatus } from "../setup/contracts.js";
import type { CheckResult } from "../setup/contracts.js";

export interface DoctorOptions {
  fix: boolean;
  category?: string;
  selfBin: string;
  /** Locks older than this are stale (ms). */
  staleLockMs?: number;
  /** Categories checked by higher layers (the CLI passes the watchdog's), keyed by category name. */
  extraChecks?: Record<string, (deps: Deps, fix: boolean) => Promise<CheckResult[]>>;
}

/** Runs every check (or one category); with `fix`, repairs what is safe to repair. */
export async function runDoctor(deps: Deps, opts: DoctorOptions): Promise<CheckResult[]> {
  const all: [string, () => Promise<CheckResult[]>][] = [
    ["git", () => checkGit(deps)],
    ["setup", () => checkSetup(deps, opts)],
    ["hooks", () => checkHooks(deps, opts)],
    ["documents", () => checkDocuments(deps)],
    ["locks", () => checkLocks(deps, opts)],
    ["objects", () => checkObjects(deps)],
    ...Object.entries(opts.extraChecks ?? {}).map(
      ([cat, check]) => [cat, () => check(deps, opts.fix)] as [string, () => Promise<CheckResult[]>],
    ),
  ];
  const out: CheckResult[] = [];
  for (const [cat, fn] of all) if (!opts.category || opts.category === cat) out.push(...(await fn()));
  return out;
}

export const DOCTOR_CATEGORIES = ["git", "setup", "hooks", "documents", "locks", "objects", "watchdog"];

async function checkGit(deps: Deps): Promise<CheckResult[]> {
  const res = await deps.git.run(["--version"], { check: false });
  const m = /(\d+)\.(\d+)/.exec(res.stdout);
  const ok = m !== null && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 38));
  return [
    {
      category: "git",
      name: "repository",
      status: "ok",
      message: `found ${deps.repo.topLevel ?? deps.repo.commonDir}`,
    },
    ok
      ? { category: "git", name: "version", status: "ok", message: res.stdout.trim() }
      : {
          category: "git",
          name: "version",
          status: "fail",
          message: `${res.stdout.trim() || "git not found"}: git ov needs git >= 2.38 (merge-tree --write-tree)`,
          fix: "upgrade git",
        },
  ];
}

async function checkSetup(deps: Deps, opts: DoctorOptions): Promise<CheckResult[]> {
  const dir = ovDir(deps.repo);
  const hasDir = existsSync(dir);
  const hasConfig = (await deps.git.refs.read(CONFIG_REF)) !== undefined;
  if (hasDir && hasConfig)
    return [
      { category: "setup", name: "initialised", status: "ok", message: `${dir} and ${CONFIG_REF} present` },
    ];
  const r: CheckResult = {
    category: "setup",
    name: "initialised",
    status: "fail",
    message: `${hasDir ? "" : `${dir} missing; `}${hasConfig ? "" : `${CONFIG_REF} missing`}`.replace(
      /; $/,
      "",
    ),
    fix: "git ov init",
  };
  if (opts.fix) {
    await initRepo(deps, opts.selfBin);
    r.fixed = true;
  }
  return [r];
}

async function checkHooks(deps: Deps, opts: DoctorOptions): Promise<CheckResult[]> {
  const status = await hookStatus(deps.git, opts.selfBin);
  const bad = status.filter((h) => h.state !== "installed");
  if (bad.length === 0) {
    const chained = status.filter((h) => h.chained).map((h) => h.name);
    return [
      {
        category: "hooks",
        name: "shims",
        status: "ok",
        message: `all ${status.length} installed${chained.length ? `, chained: ${chained.join(", ")}` : ""}`,
      },
    ];
  }
  const r: CheckResult = {
    category: "hooks",
    name: "shims",
    status: "warn",
    message: bad.map((h) => `${h.name} ${h.state}`).join(", "),
    fix: "git ov init (keeps and chains your own hooks)",
  };
  if (opts.fix) {
    await installHooks(deps.git, opts.selfBin);
    r.fixed = true;
  }
  return [r];
}

async function checkDocuments(deps: Deps): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const cfg = await readStoredConfig(deps);
  out.push(
    cfg.problems.length === 0
      ? { category: "documents", name: "config", status: "ok", message: `${CONFIG_REF} valid` }
      : {
          category: "documents",
          name: "config",
          status: "fail",
          message: cfg.problems.join("; "),
          fix: "git ov config list, then git ov config set/unset",
        },
  );
  for (const kind of DOCUMENT_KINDS) {
    const problems = await kind.check(deps);
    out.push(
      problems.length === 0
        ? { category: "documents", name: kind.name, status: "ok", message: `${kind.prefix}* valid` }
        : {
            category: "documents",
            name: kind.name,
            status: "fail",
            message: problems.map(describeProblem).join("; "),
            fix: "inspect with git show <commit>:<path>; remove with git update-ref -d <ref> if it is garbage",
          },
    );
  }
  return out;
}

function findLocks(dir: string, out: string[]): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findLocks(p, out);
    else if (e.name.endsWith(".lock")) out.push(p);
  }
}

async function checkLocks(deps: Deps, opts: DoctorOptions): Promise<CheckResult[]> {
  const stale = opts.staleLockMs ?? 30_000;
  const locks: string[] = [];
  findLocks(join(deps.repo.commonDir, "refs", "ov"), locks);
  const old = locks.filter((p) => {
    try {
      return deps.clock.now() - statSync(p).mtimeMs > stale;
    } catch {
      return false;
    }
  });
  if (old.length === 0)
    return [{ category: "locks", name: "ref locks", status: "ok", message: "no stale refs/ov locks" }];
  return old.map((p) => {
    const r: CheckResult = {
      category: "locks",
      name: "ref locks",
      status: "fail",
      message: `stale lock ${p}`,
      fix: `rm '${p}'`,
    };
    // Only a lock ten times older than the stale threshold is removed automatically: no git
    // process holds a ref lock that long.
    if (opts.fix && deps.clock.now() - statSync(p).mtimeMs > stale * 10) {
      rmSync(p, { force: true });
      r.fixed = true;
    }
    return r;
  });
}

async function checkObjects(deps: Deps): Promise<CheckResult[]> {
  const res = await deps.git.run(["count-objects", "-v"], { check: false });
  const count = Number(/^count: (\d+)/m.exec(res.stdout)?.[1] ?? 0);
  return [
    count > 6000
      ? {
          category: "objects",
          name: "loose objects",
          status: "warn",
          message: `${count} loose objects`,
          fix: "git ov gc (or git gc) when no agent is writing",
        }
      : { category: "objects", name: "loose objects", status: "ok", message: `${count} loose objects` },
  ];
}
