import { Git } from "../git/git.js";
import type { CasMode } from "../git/refs.js";
import { type RepoPaths, discoverRepo } from "../git/repo.js";
import { type Clock, systemClock } from "../sys/clock.js";
import { DocStore } from "./store.js";

/** Effects handed down from the composition root. Tests build their own with a manual clock. */
export interface Deps {
  repo: RepoPaths;
  git: Git;
  store: DocStore;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
}

export interface OpenOptions {
  clock?: Clock;
  casMode?: CasMode;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Discovers the repository at `cwd` and wires git, store and clock. */
export async function openDeps(cwd: string, opts: OpenOptions = {}): Promise<Deps> {
  const repo = await discoverRepo(cwd);
  return depsFor(repo, opts);
}

export function depsFor(repo: RepoPaths, opts: OpenOptions = {}): Deps {
  const clock = opts.clock ?? systemClock;
  const env = opts.env ?? {};
  const casMode = opts.casMode ?? (env.GIT_OV_CAS === "git" ? "git" : "fast");
  const git = new Git(repo, casMode);
  return { repo, git, store: new DocStore(git, { clock }), clock, env };
}
