/**
 * The demo's scratch project: a tiny JavaScript module with a test, and the two tasks the builders
 * do on it. Both tasks append to the same places (the end of `src/text.js`, before the last line of
 * `test.js`), so the second branch to land needs git ov's tier-2 auto-resolve to keep both sides.
 */

/** Files of the scratch project's first commit. */
export const PROJECT_FILES: Record<string, string> = {
  "package.json": `${JSON.stringify(
    { name: "textkit", version: "0.0.0", private: true, type: "module", scripts: { test: "node test.js" } },
    null,
    2,
  )}\n`,
  "README.md": "# textkit\n\nSmall text helpers. Run the tests with `node test.js`.\n",
  "src/text.js": [
    "/** Small text helpers. */",
    "",
    "/** Upper-cases the first character. */",
    "export function capitalize(s) {",
    "  return s.charAt(0).toUpperCase() + s.slice(1);",
    "}",
    "",
  ].join("\n"),
  "test.js": [
    'import assert from "node:assert/strict";',
    'import * as text from "./src/text.js";',
    "",
    'assert.equal(text.capitalize("hello"), "Hello");',
    'console.log("textkit: all tests pass");',
    "",
  ].join("\n"),
};

/** The project's test command (also the merge verify command). */
export const TEST_COMMAND = "node test.js";

/** One builder task: what it adds to the module and to the test. */
export interface DemoTask {
  task: string;
  summary: string;
  /** Lines appended to `src/text.js`. */
  code: string;
  /** Lines inserted before the last line of `test.js`. */
  test: string;
}

/** The lead's task and its two builder tasks. */
export const LEAD_TASK = "text-helpers";

export const DEMO_TASKS: readonly DemoTask[] = [
  {
    task: "slugify",
    summary: "add slugify(): lower-case, dash-separated URL slugs",
    code: [
      "",
      "/** Lower-case words joined by dashes, for URLs. */",
      "export function slugify(s) {",
      "  return s",
      "    .toLowerCase()",
      '    .replace(/[^a-z0-9]+/g, "-")',
      '    .replace(/^-|-$/g, "");',
      "}",
      "",
    ].join("\n"),
    test: 'assert.equal(text.slugify("Hello, World!"), "hello-world");\n',
  },
  {
    task: "truncate",
    summary: "add truncate(): shorten text to a length, ending with an ellipsis",
    code: [
      "",
      "/** At most `n` characters, ending with an ellipsis when shortened. */",
      "export function truncate(s, n) {",
      "  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;",
      "}",
      "",
    ].join("\n"),
    test: 'assert.equal(text.truncate("merge queues", 6), "merge…");\n',
  },
];

/** The branch sling gives an agent on a task. */
export const agentBranch = (agent: string, task: string): string => `ov/${agent}/${task}`;
