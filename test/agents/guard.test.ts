import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Capability } from "../../src/agents/capabilities.js";
import { decideGuard, needsLeadFacts } from "../../src/agents/guard/decide.js";
import { type GuardPorts, nodePorts } from "../../src/agents/guard/paths.js";
import type { LeadGateFacts } from "../../src/agents/guard/types.js";

const base = realpathSync(mkdtempSync(join(tmpdir(), "ov-guard-")));
const wt = join(base, "repo", ".git", "ov", "worktrees", "agent");
const outside = join(base, "elsewhere");
const scratch = join(base, "scratch");
mkdirSync(join(wt, "src"), { recursive: true });
mkdirSync(outside, { recursive: true });
mkdirSync(scratch, { recursive: true });
symlinkSync(outside, join(wt, "link-out"));
after(() => rmSync(base, { recursive: true, force: true }));

const ports: GuardPorts = {
  ...nodePorts({ HOME: join(base, "home"), GIT_OV_WORKTREE: wt }),
  tmpDirs: [scratch],
};
const WRITERS: Capability[] = ["builder", "merger"];
const READERS: Capability[] = ["scout", "reviewer", "lead", "coordinator", "orchestrator", "monitor"];
const ALL: Capability[] = [...WRITERS, ...READERS];

/** [roles, tool, input, expected rule (or "allow"), cwd?] */
type Row = [Capability[], string, Record<string, unknown>, string, string?];
const bash = (command: string) => ({ command });

const TABLE: Row[] = [
  // Tools every role may use, and tools nobody may.
  [ALL, "Read", { file_path: "/etc/hosts" }, "allow"],
  [ALL, "Grep", { pattern: "x" }, "allow"],
  [ALL, "Task", { prompt: "do it" }, "team-tool"],
  [ALL, "Agent", { prompt: "do it" }, "team-tool"],
  [ALL, "SendMessage", {}, "team-tool"],
  [ALL, "AskUserQuestion", {}, "interactive-tool"],
  [ALL, "EnterPlanMode", {}, "interactive-tool"],
  // Write tools: read-only roles never, writers inside the worktree only.
  [READERS, "Write", { file_path: `${wt}/src/a.ts` }, "read-only"],
  [READERS, "Edit", { file_path: `${wt}/src/a.ts` }, "read-only"],
  [READERS, "NotebookEdit", { notebook_path: `${wt}/n.ipynb` }, "read-only"],
  [WRITERS, "Write", { file_path: `${wt}/src/a.ts` }, "allow"],
  [WRITERS, "Write", { file_path: "src/new/b.ts" }, "allow"],
  [WRITERS, "Edit", { file_path: "/etc/passwd" }, "path-boundary"],
  [WRITERS, "Write", { file_path: `${wt}/../../../../elsewhere/x` }, "path-boundary"],
  [WRITERS, "Write", { file_path: `${wt}/link-out/x` }, "path-boundary"],
  [WRITERS, "Write", { file_path: `${scratch}/x` }, "path-boundary"],
  [WRITERS, "Write", { file_path: `${wt}/.ov/overlay.md` }, "protected-file"],
  [WRITERS, "Edit", { file_path: `${wt}/.claude/settings.local.json` }, "protected-file"],
  [WRITERS, "NotebookEdit", { notebook_path: `${wt}/n.ipynb` }, "allow"],
  [WRITERS, "Write", {}, "bad-input"],
  [ALL, "Bash", {}, "bad-input"],
  // git ov is always allowed (the lead's worker_done is gated separately).
  [ALL, "Bash", bash("git ov status --json"), "allow"],
  [
    ALL,
    "Bash",
    bash(`git ov spec write t1 --body "$(cat <<'EOF'\nrm -rf / (not a command)\nEOF\n)"`),
    "allow",
  ],
  [
    ALL,
    "Bash",
    bash("git ov mail send --to lead-1 --type question --subject 'x > y' --body 'a; git push'"),
    "allow",
  ],
  // Dangerous git for everyone.
  [ALL, "Bash", bash("git push origin HEAD"), "dangerous-git"],
  [ALL, "Bash", bash("git status && git push"), "dangerous-git"],
  [ALL, "Bash", bash("git reset --hard HEAD~1"), "dangerous-git"],
  [ALL, "Bash", bash("git rebase main"), "dangerous-git"],
  [ALL, "Bash", bash("git branch -D main"), "dangerous-git"],
  [ALL, "Bash", bash("git checkout -f"), "dangerous-git"],
  [ALL, "Bash", bash("git update-ref refs/ov/sessions/x HEAD"), "dangerous-git"],
  [ALL, "Bash", bash("git worktree remove ../other"), "dangerous-git"],
  [ALL, "Bash", bash("git --git-dir=/other/.git log"), "dangerous-git"],
  [ALL, "Bash", bash("sh -c 'git push'"), "dangerous-git"],
  [ALL, "Bash", bash("echo $(git push)"), "dangerous-git"],
  // Leaving the agent's branch.
  [ALL, "Bash", bash("git checkout main"), "branch-escape"],
  [ALL, "Bash", bash("git switch feature"), "branch-escape"],
  [ALL, "Bash", bash("git checkout -b feature/x"), "branch-escape"],
  [ALL, "Bash", bash("git checkout --detach"), "branch-escape"],
  [WRITERS, "Bash", bash("git checkout -b ov/agent/sub"), "allow"],
  [WRITERS, "Bash", bash("git checkout src"), "allow"],
  [WRITERS, "Bash", bash("git checkout main -- src/a.ts"), "allow"],
  [WRITERS, "Bash", bash("git clean -fdx"), "protected-file"],
  // Recursive deletes.
  [ALL, "Bash", bash("rm -rf /"), "recursive-delete"],
  [ALL, "Bash", bash(`rm -rf ${outside}`), "recursive-delete"],
  [ALL, "Bash", bash("cd .. && rm -rf agent"), "recursive-delete"],
  [ALL, "Bash", bash("rm -rf ~"), "recursive-delete"],
  [ALL, "Bash", bash("rm -rf $SOMEWHERE"), "recursive-delete"],
  [WRITERS, "Bash", bash("find / -name '*.log' -delete"), "recursive-delete"],
  [READERS, "Bash", bash("find / -name '*.log' -delete"), "read-only"],
  [WRITERS, "Bash", bash("rm -rf ."), "recursive-delete"],
  [WRITERS, "Bash", bash("rm -rf build node_modules"), "allow"],
  [WRITERS, "Bash", bash("find . -name '*.o' -delete"), "allow"],
  [WRITERS, "Bash", bash(`rm -rf ${scratch}/tmpdir`), "allow"],
  // Writers: path boundary for file-changing shell.
  [WRITERS, "Bash", bash("npm test && git add -A && git commit -m 'feat: x'"), "allow"],
  [WRITERS, "Bash", bash("echo hi > out.txt && mkdir -p src/x && touch src/x/y.ts"), "allow"],
  [WRITERS, "Bash", bash("npm test > /dev/null 2>&1"), "allow"],
  [WRITERS, "Bash", bash(`echo hi > ${scratch}/log.txt`), "allow"],
  [WRITERS, "Bash", bash("echo hi > /etc/motd"), "path-boundary"],
  [WRITERS, "Bash", bash("cd .. && echo hi > x"), "path-boundary"],
  [WRITERS, "Bash", bash(`cp src/a.ts ${outside}/a.ts`), "path-boundary"],
  [WRITERS, "Bash", bash("cp /etc/hosts ./hosts"), "allow"],
  [WRITERS, "Bash", bash("cat a | tee /etc/x"), "path-boundary"],
  [WRITERS, "Bash", bash("sed -i s/a/b/ /etc/hosts"), "path-boundary"],
  [WRITERS, "Bash", bash("sed -i s/a/b/ src/a.ts"), "allow"],
  [WRITERS, "Bash", bash("mv src/a.ts link-out/a.ts"), "path-boundary"],
  [WRITERS, "Bash", bash("echo x > .ov/overlay.md"), "protected-file"],
  [WRITERS, "Bash", bash("echo x > $OUT"), "path-boundary"],
  [WRITERS, "Bash", bash(`cd "$GIT_OV_WORKTREE" && echo ok > f`), "allow"],
  [WRITERS, "Bash", bash("git -C /elsewhere commit -m x"), "path-boundary"],
  [WRITERS, "Bash", bash("git config user.name x"), "dangerous-git"],
  [WRITERS, "Bash", bash("npm install left-pad"), "allow"],
  // Read-only roles: no mutating shell.
  [READERS, "Bash", bash("ls -la src | grep ts; git log --oneline -5; git diff main...HEAD"), "allow"],
  [READERS, "Bash", bash("git status 2>/dev/null | head; git blame src/a.ts"), "allow"],
  [READERS, "Bash", bash("npm test"), "allow"],
  [READERS, "Bash", bash(`echo findings > ${scratch}/notes.md`), "allow"],
  [READERS, "Bash", bash('me="$GIT_OV_AGENT"; git ov mail list --from "$me" --json'), "allow"],
  [READERS, "Bash", bash("LIST=$(git ov mail list --json) git ov status"), "allow"],
  [READERS, "Bash", bash("x=$(touch f)"), "read-only"],
  [READERS, "Bash", bash("$CMD x"), "read-only"],
  [READERS, "Bash", bash("echo x > notes.md"), "read-only"],
  [READERS, "Bash", bash("cat a >> b"), "read-only"],
  [READERS, "Bash", bash("sed -i s/a/b/ f.ts"), "read-only"],
  [READERS, "Bash", bash("touch x"), "read-only"],
  [READERS, "Bash", bash("mkdir d"), "read-only"],
  [READERS, "Bash", bash("cp a b"), "read-only"],
  [READERS, "Bash", bash("vim f.ts"), "read-only"],
  [READERS, "Bash", bash("npm install x"), "read-only"],
  [READERS, "Bash", bash('node -e \'require("fs").writeFileSync("x","")\''), "read-only"],
  [READERS, "Bash", bash('python3 -c \'open("x","w")\''), "read-only"],
  [READERS, "Bash", bash("bash -c 'touch x'"), "read-only"],
  [READERS, "Bash", bash("ls | xargs rm"), "read-only"],
  [READERS, "Bash", bash("find . -exec touch {} ;"), "read-only"],
  [READERS, "Bash", bash("git stash"), "read-only"],
  [READERS, "Bash", bash("git merge other"), "read-only"],
  [["scout", "reviewer", "lead"], "Bash", bash("git add -A && git commit -m x"), "read-only"],
  [["coordinator", "orchestrator", "monitor"], "Bash", bash("git add -A && git commit -m x"), "allow"],
  // Tracker: only one's own task.
  [ALL, "Bash", bash("sd close other-task"), "tracker-close"],
  [["builder", "scout"], "Bash", bash("sd close t1 --reason done"), "allow"],
];

const agentOf = (capability: Capability) => ({
  name: "agent",
  capability,
  worktree: wt,
  task: "t1",
  branch: "ov/agent/t1",
});

describe("guard decision table", () => {
  for (const [roles, tool, input, expected, cwd] of TABLE) {
    for (const cap of roles) {
      const label = `${cap} ${tool} ${JSON.stringify(input).slice(0, 70)} -> ${expected}`;
      it(label, () => {
        const d = decideGuard({ tool, input, cwd: cwd ?? wt }, agentOf(cap), ports);
        assert.equal(d.allow ? "allow" : d.rule, expected, d.allow ? "allowed" : d.reason);
        if (!d.allow) assert.ok(d.reason.length > 10 && !d.reason.includes("\n"));
      });
    }
  }
});

describe("lead close gate", () => {
  const finish = {
    tool: "Bash",
    input: bash("git ov mail send --to coordinator --type worker_done --subject d --body b"),
    cwd: wt,
  };
  const cases: [LeadGateFacts | undefined, string][] = [
    [undefined, "lead-close-gate"],
    [{ mergeReadySent: 0, workerDoneReceived: 0 }, "lead-close-gate"],
    [{ mergeReadySent: 1, workerDoneReceived: 2 }, "lead-close-gate"],
    [{ mergeReadySent: 2, workerDoneReceived: 2 }, "allow"],
  ];
  for (const [facts, expected] of cases) {
    it(`gates a lead's worker_done with ${JSON.stringify(facts)} -> ${expected}`, () => {
      const d = decideGuard(finish, agentOf("lead"), ports, facts);
      assert.equal(d.allow ? "allow" : d.rule, expected);
    });
  }
  it("asks for mail facts only for a lead's finishing command", () => {
    assert.equal(needsLeadFacts(finish, agentOf("lead")), true);
    assert.equal(needsLeadFacts({ ...finish, input: bash("sd close t1") }, agentOf("lead")), true);
    assert.equal(needsLeadFacts(finish, agentOf("builder")), false);
    // Behind a shell keyword or an assignment, the finish is still seen (and then gated with facts).
    const wrapped = bash("if true; then git ov mail send --to operator --type worker_done; fi");
    assert.equal(needsLeadFacts({ ...finish, input: wrapped }, agentOf("lead")), true);
    assert.equal(
      needsLeadFacts(
        { ...finish, input: bash('me="$X" git ov mail send --type worker_done') },
        agentOf("lead"),
      ),
      true,
    );
    assert.equal(
      needsLeadFacts({ ...finish, input: bash("git ov mail send --type status") }, agentOf("lead")),
      false,
    );
    assert.equal(decideGuard(finish, agentOf("scout"), ports).allow, true);
  });
});
