import type { DemoResult } from "./run.js";

/** The plain-git commands that show what the demo did, for the repository at `dir`. */
export function inspectCommands(
  r: Pick<DemoResult, "dir" | "lead" | "target" | "snap" | "gitOv">,
): [string, string][] {
  const builder = r.snap.sessions.find((s) => s.parent === r.lead)?.name ?? "<agent>";
  return [
    [`cd ${r.dir}`, ""],
    [`git log --graph --format='%h %an: %s' ${r.target}`, "the merged history"],
    [
      `git log --merges --format='%h %s: %(trailers:key=Ov-Tier,valueonly)' ${r.target}`,
      "how each agent branch merged (tier)",
    ],
    [
      `git log --format='%h %an: %s%n%(trailers)' ${r.target} -- src/text.js`,
      "code commits, with Ov-Agent/Ov-Task/Ov-Run trailers",
    ],
    [
      `git log --format='%h %an: %s' refs/ov/mail/${r.lead}`,
      "the lead's inbox: one commit per delivery and per ack",
    ],
    [`git log --format='%h %s' refs/ov/sessions/${builder}`, "one agent's life, state by state"],
    [`git log --format='%h %s%n%(trailers)' refs/ov/merge/queue`, "merge requests, claims and outcomes"],
    ["git for-each-ref refs/ov/", "every shared document"],
    [`${r.gitOv} status --all`, "the same, through git ov"],
  ];
}

/** What the swarm did, in a few lines a newcomer can follow. */
export function storyLines(r: DemoResult): string[] {
  const builders = r.snap.sessions.filter((s) => s.parent === r.lead);
  const out = [
    `${r.lead} (a lead, ${r.runtime} runtime) slung ${builders.map((b) => b.name).join(" and ") || "no builders"}, each in its own worktree and branch.`,
  ];
  for (const b of builders) {
    const done = r.snap.mail.some((m) => m.from === b.name && m.type === "worker_done");
    out.push(
      `${b.name}: ${done ? "edited, tested, committed on" : "did not finish"} ${b.branch}${done ? ", reported worker_done" : ""} (${b.state}).`,
    );
  }
  for (const m of r.snap.mail.filter((x) => x.type === "merged" || x.type === "merge_failed")) {
    const p = m.payload ?? {};
    const auto = Array.isArray(p.autoResolved) ? (p.autoResolved as { file?: string; rule?: string }[]) : [];
    const how = auto.length
      ? `; both sides kept in ${auto.map((a) => `${a.file} (${a.rule})`).join(", ")}`
      : "";
    out.push(
      m.type === "merged"
        ? `merge: ${p.branch} -> ${p.target ?? r.target} at tier ${p.tier}${how}.`
        : `merge: ${p.branch} failed: ${p.errorMessage ?? m.subject}.`,
    );
  }
  const lead = r.snap.sessions.find((s) => s.name === r.lead);
  out.push(
    `${r.lead}: ${lead?.state ?? "missing"}; ${r.snap.mail.length} messages, each one commit on an inbox ref.`,
  );
  return out;
}

/** The human report printed after the progress lines. */
export function renderReport(r: DemoResult): string {
  const lines = ["", "What happened:", ...storyLines(r).map((l) => `  ${l}`), "", "Checks:"];
  for (const c of r.checks)
    lines.push(`  ${c.ok ? "ok  " : "FAIL"}  ${c.name}${c.detail ? ` (${c.detail})` : ""}`);
  if (r.stopped) lines.push(`  (stopped waiting: ${r.stopped})`);
  lines.push("", "Look around with plain git (the repository stays):");
  const cmds = inspectCommands(r);
  const width = Math.max(...cmds.map(([c]) => c.length));
  for (const [c, why] of cmds) lines.push(`  ${why ? `${c.padEnd(width)}   # ${why}` : c}`);
  const secs = (r.durationMs / 1000).toFixed(1);
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(
    "",
    failed === 0
      ? `Demo finished in ${secs}s: all ${r.checks.length} checks passed.`
      : `Demo finished in ${secs}s: ${failed} of ${r.checks.length} checks FAILED (the repository is left for a look).`,
  );
  return lines.join("\n");
}
