import type { RunResult } from "../sys/run.js";
import type { Deps } from "../store/deps.js";
import type { SwarmSnapshot } from "./progress.js";

/** One named expectation of the demo and whether it held. */
export interface DemoCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the checks are evaluated against. */
export interface CheckInput {
  snap: SwarmSnapshot;
  lead: string;
  target: string;
  /** The target's commit before any agent ran: a builder's own commits are `base..branch`. */
  base: string;
  /** Whether one merge must have needed tier-2 auto-resolve (the scripted swarm guarantees it). */
  expectAutoResolve: boolean;
  test: RunResult | undefined;
  fsck: string;
}

const check = (name: string, ok: boolean, detail: string): DemoCheck => ({ name, ok, detail });
const list = (xs: readonly string[]): string => (xs.length ? xs.join(", ") : "none");

/** Evaluates every check in order; git is asked only for ancestry and trailers. */
export async function evaluateChecks(deps: Deps, input: CheckInput): Promise<DemoCheck[]> {
  const { snap, lead } = input;
  const builders = snap.sessions.filter((s) => s.parent === lead && s.capability === "builder");
  const mail = (from: string, to: string | undefined, type: string) =>
    snap.mail.filter((m) => m.from === from && (to === undefined || m.to === to) && m.type === type);
  const branches = builders.map((b) => b.branch);
  const out: DemoCheck[] = [];

  out.push(check("the lead slung two builders", builders.length >= 2, list(builders.map((b) => b.name))));
  const trailered = await Promise.all(builders.map((b) => agentCommits(deps, input.base, b.branch, b.name)));
  out.push(
    check(
      "each builder committed its work, with Ov-Agent trailers",
      builders.length > 0 && trailered.every((n) => n > 0),
      list(builders.map((b, i) => `${b.name}: ${trailered[i]} commit(s)`)),
    ),
  );
  const reported = builders.filter((b) => mail(b.name, lead, "worker_done").length > 0);
  out.push(
    check(
      "each builder sent worker_done to the lead",
      builders.length > 0 && reported.length === builders.length,
      list(reported.map((b) => b.name)),
    ),
  );
  const ready = new Set(mail(lead, undefined, "merge_ready").map((m) => String(m.payload?.branch ?? "")));
  out.push(
    check(
      "the lead sent merge_ready for each builder branch",
      branches.length > 0 && branches.every((b) => ready.has(b)),
      list([...ready]),
    ),
  );
  const landed = await Promise.all(branches.map((b) => isAncestor(deps, b, input.target)));
  out.push(
    check(
      `every builder branch is merged into ${input.target}`,
      branches.length > 0 && landed.every(Boolean),
      list(branches.map((b, i) => `${b}${landed[i] ? "" : " (not merged)"}`)),
    ),
  );
  const tiers = snap.mail
    .filter((m) => m.type === "merged")
    .map((m) => `${m.payload?.branch}: ${m.payload?.tier}`);
  if (input.expectAutoResolve)
    out.push(
      check(
        "one merge needed tier-2 auto-resolve, keeping both sides",
        tiers.some((t) => t.endsWith(": auto-resolve")),
        list(tiers),
      ),
    );
  out.push(
    check(
      `the project's tests pass on the merged ${input.target}`,
      input.test?.code === 0,
      input.test
        ? ((input.test.stdout + input.test.stderr).trim().split("\n").slice(-1)[0] ?? "")
        : "not run",
    ),
  );
  out.push(
    check(
      "the lead sent worker_done to the operator",
      mail(lead, "operator", "worker_done").length > 0,
      lead,
    ),
  );
  const unfinished = snap.sessions.filter((s) => s.state !== "completed");
  out.push(
    check(
      "every agent completed",
      snap.sessions.length > 0 && unfinished.length === 0,
      unfinished.length
        ? `still ${list(unfinished.map((s) => `${s.name} ${s.state}`))}`
        : `${snap.sessions.length} agents`,
    ),
  );
  const unread = snap.mail.filter((m) => !m.read);
  out.push(
    check(
      "every message was read (no unread mail in any inbox)",
      snap.mail.length > 0 && unread.length === 0,
      unread.length
        ? `unread: ${list(unread.map((m) => `${m.type} -> ${m.to}`))}`
        : `${snap.mail.length} messages`,
    ),
  );
  out.push(check("git fsck is clean", input.fsck === "", input.fsck.trim().split("\n")[0] ?? ""));
  return out;
}

/** How many commits in `base..branch` carry `Ov-Agent: <agent>`. */
async function agentCommits(deps: Deps, base: string, branch: string, agent: string): Promise<number> {
  const r = await deps.git.run(["log", "--format=%(trailers:key=Ov-Agent,valueonly)", `${base}..${branch}`], {
    check: false,
  });
  return r.stdout.split("\n").filter((l) => l.trim() === agent).length;
}

async function isAncestor(deps: Deps, branch: string, target: string): Promise<boolean> {
  const r = await deps.git.run(["merge-base", "--is-ancestor", branch, target], { check: false });
  return r.code === 0;
}
