import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedConfig } from "../../config/config.js";
import { OvError } from "../../core/errors.js";
import { agentNameProblem } from "../../core/ids.js";
import { type Session, isTerminal } from "../../sessions/session.js";
import type { Deps } from "../../store/deps.js";
import type { Capability } from "../capabilities.js";
import { agentBranch, branchExists, resolveCommit } from "../worktree.js";

interface NameContext {
  explicit: string | undefined;
  capability: Capability;
  task: string;
  sessions: readonly Session[];
  root: string;
}

async function leftovers(deps: Deps, name: string, task: string, root: string): Promise<string[]> {
  const found: string[] = [];
  if (await branchExists(deps, agentBranch(name, task))) found.push(`branch ${agentBranch(name, task)}`);
  if (existsSync(join(root, name))) found.push(`worktree ${join(root, name)}`);
  return found;
}

/**
 * The agent's name: `--name` if free, else the first free `<capability>-<task>`, `-2` … `-100`.
 * Auto names never reuse a finished agent's name, so its session history and inbox stay its own.
 */
export async function chooseName(deps: Deps, ctx: NameContext): Promise<string> {
  if (ctx.explicit) {
    const cur = ctx.sessions.find((s) => s.name === ctx.explicit);
    if (cur && !isTerminal(cur.state)) {
      throw new OvError("ALREADY_EXISTS", `agent name '${ctx.explicit}' is in use (${cur.state})`, {
        data: { agent: ctx.explicit, state: cur.state },
        hint: `choose another --name, or omit it for an automatic one`,
      });
    }
    const left = await leftovers(deps, ctx.explicit, ctx.task, ctx.root);
    if (left.length > 0) {
      throw new OvError(
        "ALREADY_EXISTS",
        `agent name '${ctx.explicit}' still has a ${left.join(" and a ")}`,
        {
          hint: `git ov worktree clean --completed (or git ov clean --branches), or choose another --name`,
        },
      );
    }
    return ctx.explicit;
  }
  const stem = `${ctx.capability}-${ctx.task.toLowerCase()}`.slice(0, 58).replace(/[._-]+$/, "");
  for (let i = 1; i <= 100; i++) {
    const candidate = i === 1 ? stem : `${stem}-${i}`;
    if (agentNameProblem(candidate) !== undefined) continue;
    if (ctx.sessions.some((s) => s.name === candidate)) continue;
    if ((await leftovers(deps, candidate, ctx.task, ctx.root)).length > 0) continue;
    return candidate;
  }
  throw new OvError("ALREADY_EXISTS", `no free automatic name for ${ctx.capability} on '${ctx.task}'`, {
    hint: "pass --name, or clean old agents with git ov clean --sessions",
  });
}

/** The newest finished agent of the same role on the same task (what `--recover` re-dispatches). */
export function findPredecessor(
  task: string,
  capability: Capability,
  parentName: string | null,
  sessions: readonly Session[],
): Session | undefined {
  const prior = sessions.filter(
    (s) => s.task === task && s.capability === capability && isTerminal(s.state) && s.name !== parentName,
  );
  return prior.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

/**
 * The commit the agent branches from: `--base-branch`, else (when recovering) the previous agent's
 * branch so its commits carry over, else `project.canonicalBranch`.
 */
export async function resolveBase(
  deps: Deps,
  config: ResolvedConfig,
  explicit: string | undefined,
  predecessor: Session | undefined,
): Promise<{ name: string; commit: string }> {
  if (explicit?.trim()) {
    const name = explicit.trim();
    const commit = await resolveCommit(deps, name);
    if (!commit) await missingBase(deps, name, "--base-branch");
    return { name, commit: commit! };
  }
  if (predecessor && (await branchExists(deps, predecessor.branch))) {
    const commit = await resolveCommit(deps, `refs/heads/${predecessor.branch}`);
    if (commit) return { name: predecessor.branch, commit };
  }
  const canonical = config.str("project.canonicalBranch");
  const commit = await resolveCommit(deps, canonical);
  if (!commit) await missingBase(deps, canonical, "project.canonicalBranch");
  return { name: canonical, commit: commit! };
}

async function missingBase(deps: Deps, name: string, from: string): Promise<never> {
  const any = await deps.git.run(["for-each-ref", "--count=1", "--format=%(refname)", "refs/heads/"], {
    cwd: deps.repo.cwd,
  });
  if (any.stdout.trim() === "") {
    throw new OvError("NOT_FOUND", "the repository has no commits yet, so there is nothing to branch from", {
      hint: "make a first commit (e.g. git commit --allow-empty -m init), then sling again",
    });
  }
  throw new OvError("NOT_FOUND", `base branch '${name}' (${from}) does not exist`, {
    data: { base: name },
    hint:
      from === "--base-branch"
        ? "pass an existing branch to --base-branch"
        : "pass --base-branch <branch>, or git ov config set project.canonicalBranch <branch>",
  });
}
