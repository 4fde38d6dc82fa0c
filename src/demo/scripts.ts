import { DEMO_TASKS, type DemoTask, LEAD_TASK, PROJECT_FILES, TEST_COMMAND, agentBranch } from "./project.js";

/**
 * The scripted runtime's scripts for the demo swarm (format: docs/scripted-runtime.md). Pure data:
 * the lead's first turn slings both builders with these builder scripts inline; every later turn of
 * the lead (each woken by mail) runs one idempotent shell check, so it does not matter whether the
 * builders' reports arrive in one batch or two.
 */

export const LEAD_NAME = `lead-${LEAD_TASK}`;
export const builderName = (t: DemoTask): string => `builder-${t.task}`;

const TEXT_ANCHOR = "  return s.charAt(0).toUpperCase() + s.slice(1);\n}\n";
const TEST_ANCHOR = 'console.log("textkit: all tests pass");';
const FILES = ["src/text.js", "test.js"];

if (!PROJECT_FILES["src/text.js"]?.includes(TEXT_ANCHOR) || !PROJECT_FILES["test.js"]?.includes(TEST_ANCHOR))
  throw new Error("demo project and builder scripts disagree on their anchors");

/** One builder's single turn: edit, test, commit, report `worker_done` to its lead. */
export function builderScript(t: DemoTask): unknown[] {
  return [
    { say: `Task ${t.task}: ${t.summary}.` },
    { edit: { path: "src/text.js", find: TEXT_ANCHOR, replace: `${TEXT_ANCHOR}${t.code}` } },
    { edit: { path: "test.js", find: TEST_ANCHOR, replace: `${t.test}${TEST_ANCHOR}` } },
    { run: { command: TEST_COMMAND, check: true } },
    { commit: `textkit: ${t.summary}` },
    {
      mail: {
        to: "$GIT_OV_PARENT",
        type: "worker_done",
        subject: `Done: ${t.task}`,
        body: `${t.summary}; ${TEST_COMMAND} passes. Branch $GIT_OV_BRANCH.`,
        payload: { taskId: "$GIT_OV_TASK", branch: "$GIT_OV_BRANCH", exitCode: 0, filesModified: FILES },
      },
    },
    { say: `${t.task} committed and reported to $GIT_OV_PARENT.` },
  ];
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell lines that send one message from the lead (payload as JSON, single-quoted). */
function sendLine(to: string, type: string, subject: string, body: string, payload: object): string {
  return `git ov mail send --to ${to} --type ${type} --subject ${sq(subject)} --body ${sq(body)} --payload ${sq(JSON.stringify(payload))}`;
}

const HELPERS = [
  'me="$GIT_OV_AGENT"',
  "# has LIST PATTERN...: some line (one message as JSON) of LIST contains every PATTERN",
  'has() { list=$1; shift; for p in "$@"; do list=$(printf "%s\\n" "$list" | grep -F -- "$p") || return 1; done; }',
];
/** Mail to and from the lead, listed once per check (each `git ov` call is a process). */
const LISTS = [
  'to_me=$(git ov mail list --to "$me" --json)',
  'from_me=$(git ov mail list --from "$me" --json)',
];

const pat = (key: string, value: string): string => sq(`"${key}":"${value}"`);

const builders = () =>
  DEMO_TASKS.map((t) => ({ t, name: builderName(t), branch: agentBranch(builderName(t), t.task) }));

/**
 * The lead's first check, run on every wake-up: hand over (`merge_ready`) each branch whose builder
 * reported `worker_done`, once per branch. Reads only the mail refs, through `git ov mail list`.
 */
export function leadHandOverCommand(): string {
  const lines = builders().map(
    (b) =>
      `if has "$to_me" ${pat("type", "worker_done")} ${pat("from", b.name)} && ! has "$from_me" ${pat("type", "merge_ready")} ${pat("branch", b.branch)}; then ${sendLine(
        '"$GIT_OV_PARENT"',
        "merge_ready",
        `merge_ready: ${b.t.task}`,
        `${b.name} reported ${b.branch} done and tested (${TEST_COMMAND}); please merge it.`,
        { branch: b.branch, taskId: b.t.task, agentName: b.name, filesModified: FILES },
      )} && echo "handed ${b.branch} over for merging"; fi`,
  );
  return [...HELPERS, ...LISTS, ...lines].join("\n");
}

/**
 * The lead's second check: read the inbox (mail that arrived during this turn is marked read now,
 * not left behind when the lead finishes); once every builder branch is merged (the merge queue's
 * `merged` mail, read), report its own `worker_done`, once. A separate command, so the guard's lead
 * close gate judges it after this turn's hand-overs were sent.
 */
export function leadFinishCommand(): string {
  const merged = builders()
    .map((b) => `has "$to_me" ${pat("type", "merged")} ${pat("branch", b.branch)} '"read":true'`)
    .join(" && ");
  const done = sendLine(
    '"$GIT_OV_PARENT"',
    "worker_done",
    `Done: ${LEAD_TASK}`,
    "Both builders' branches are merged.",
    {
      taskId: LEAD_TASK,
      branch: agentBranch(LEAD_NAME, LEAD_TASK),
      exitCode: 0,
      filesModified: FILES,
    },
  );
  return [
    ...HELPERS,
    "git ov mail check",
    ...LISTS,
    `if ! (${merged}); then echo "waiting: not every branch is merged yet"; exit 0; fi`,
    `if ! has "$from_me" ${pat("type", "worker_done")}; then ${done} && echo "all merged: reported worker_done"; fi`,
  ].join("\n");
}

/** The lead: turn 1 slings the builders; every later turn (one per mail batch) runs the check. */
export function leadScript(): { turns: unknown[][]; after: "repeat-last" } {
  const sling = DEMO_TASKS.map((t) => ({
    sling: { task: t.task, capability: "builder", name: builderName(t), script: builderScript(t) },
  }));
  return {
    turns: [
      [{ say: `Splitting ${LEAD_TASK} into ${DEMO_TASKS.map((t) => t.task).join(" and ")}.` }, ...sling],
      [{ run: leadHandOverCommand() }, { run: leadFinishCommand() }],
    ],
    after: "repeat-last",
  };
}
