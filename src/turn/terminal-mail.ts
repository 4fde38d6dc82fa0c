import type { Git } from "../git/git.js";

const MAIL_PREFIX = "refs/ov/mail/";

/** The tips of every inbox ref: the baseline a turn's terminal mail is measured against. */
export async function mailTips(git: Git): Promise<string[]> {
  return (await git.refs.list(MAIL_PREFIX)).map((r) => r.oid);
}

/**
 * True when a commit reachable from the current inbox tips but not from `baseline` records a
 * message sent by `agent` with one of `types` — decided by git reachability, never by clocks.
 */
export async function sentTerminalMailSince(
  git: Git,
  baseline: readonly string[],
  agent: string,
  types: readonly string[],
): Promise<boolean> {
  const now = await mailTips(git);
  const fresh = now.filter((t) => !baseline.includes(t));
  if (fresh.length === 0 || types.length === 0) return false;
  const args = [
    "log",
    "--format=%(trailers:key=Ov-Op,valueonly,separator=%x2C)%x1f%(trailers:key=Ov-From,valueonly,separator=%x2C)%x1f%(trailers:key=Ov-Type,valueonly,separator=%x2C)%x1e",
  ];
  args.push(...fresh, "--not", ...baseline, "--");
  const res = await git.run(args, { cwd: git.repo.cwd });
  for (const rec of res.stdout.split("\x1e")) {
    const [op, from, type] = rec.trim().split("\x1f");
    if (op === "send" && from === agent && type !== undefined && types.includes(type)) return true;
  }
  return false;
}
