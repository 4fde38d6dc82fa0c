// The layer rules of docs/architecture.md, enforced on import specifiers under src/. Adding a
// top-level folder under src/ means adding it to LAYERS below (the test fails until you do).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** Layers from the bottom up: a module may import its own layer and the layers below, never above. */
const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["sys"],
  ["git"],
  ["store"],
  ["config", "setup", "mail", "sessions", "agents", "runtimes", "specs", "groups", "runs"],
  ["turn", "merge", "watchdog", "serve", "sync", "gc"],
  // Entry points below the CLI that wire domain and orchestration together: hook handlers start
  // turns and record merges, doctor checks every document family, the demo drives a whole swarm.
  ["doctor", "hooks", "demo"],
  ["cli"],
];

interface Rule {
  /** What is forbidden, as shown in a failure. */
  what: string;
  /** Folders (under src/) where the rule does not apply. */
  allowedIn: readonly string[];
  /** Matches a forbidden import specifier. */
  specifier?: RegExp;
  /** Matches forbidden code (comments and strings stripped). */
  code?: RegExp;
}

const RULES: readonly Rule[] = [
  {
    what: "node:child_process (run processes through sys/ or git/)",
    allowedIn: ["sys", "git"],
    specifier: /^(node:)?child_process$/,
  },
  { what: "Date.now() (take a Clock from sys/)", allowedIn: ["sys"], code: /\bDate\.now\s*\(/ },
  {
    what: "new Date() without arguments (take a Clock from sys/)",
    allowedIn: ["sys"],
    code: /\bnew Date\s*\(\s*\)/,
  },
  {
    what: "isomorphic-git, simple-git or lowdb (see DESIGN.md §3)",
    allowedIn: [],
    specifier: /^(isomorphic-git|simple-git|lowdb)(\/|$)/,
  },
  {
    what: "Node built-ins in core/ (core is pure)",
    allowedIn: ["sys", "git", "store", ...LAYERS.slice(4).flat()],
    specifier: /^node:/,
  },
];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|js)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Blanks comments and string/template contents, keeping line breaks, so code rules see code only. */
function codeOnly(text: string): string {
  return text.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/g,
    (m) => m.replace(/[^\n]/g, " "),
  );
}

/** Every module specifier a file imports or re-exports, statically or dynamically, with its line. */
function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\b(?:require|load)\s*\(\s*)["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) {
    out.push({ spec: m[1] ?? "", line: text.slice(0, m.index).split("\n").length });
  }
  return out;
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((names) => names.includes(folder));
}

/** The top-level folder under `src` that `path` lives in ("" for a file directly in it). */
function folderOf(src: string, path: string): string {
  const rel = relative(src, path).split("/");
  return rel.length > 1 ? (rel[0] ?? "") : "";
}

/** Every rule broken under `src`, as `file:line: what`. */
function violations(src: string): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(src)) {
    const name = relative(join(src, ".."), file);
    const folder = folderOf(src, file);
    const layer = layerOf(folder);
    if (layer < 0) {
      out.push(`${name}: folder src/${folder} is in no layer: add it to LAYERS in test/architecture.test.ts`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    for (const { spec, line } of importsOf(text)) {
      if (spec.startsWith(".")) {
        const target = folderOf(src, resolve(dirname(file), spec));
        const targetLayer = layerOf(target);
        if (targetLayer > layer)
          out.push(
            `${name}:${line}: ${folder}/ (layer ${layer}) imports ${target}/ (layer ${targetLayer}): upward`,
          );
      }
      for (const rule of RULES) {
        if (rule.specifier?.test(spec) && !rule.allowedIn.includes(folder))
          out.push(`${name}:${line}: ${rule.what}`);
      }
    }
    const code = codeOnly(text);
    for (const rule of RULES) {
      if (!rule.code || rule.allowedIn.includes(folder)) continue;
      for (const m of code.matchAll(new RegExp(rule.code, "g"))) {
        out.push(`${name}:${code.slice(0, m.index).split("\n").length}: ${rule.what}`);
      }
    }
  }
  return out;
}

describe("architecture", () => {
  it("has no upward or forbidden import under src/", () => {
    assert.deepEqual(violations(SRC), []);
  });

  it("reports an upward import, a misplaced child_process, Date.now() and an unknown folder", () => {
    const src = join(mkdtempSync(join(tmpdir(), "ov-arch-")), "src");
    const files: Record<string, string> = {
      "store/a.ts": 'import { x } from "../mail/x.js";\nimport { spawn } from "node:child_process";\n',
      "mail/x.ts": "export const x = 1;\n// Date.now() in a comment is fine\nconst t = Date.now();\n",
      "cli/ok.ts": 'import { x } from "../mail/x.js";\nimport { spawn } from "node:child_process";\n',
      "misc/y.ts": "export {};\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), text);
    }
    const found = violations(src).sort();
    rmSync(dirname(src), { recursive: true, force: true });
    assert.deepEqual(found, [
      "src/cli/ok.ts:2: node:child_process (run processes through sys/ or git/)",
      "src/mail/x.ts:3: Date.now() (take a Clock from sys/)",
      "src/misc/y.ts: folder src/misc is in no layer: add it to LAYERS in test/architecture.test.ts",
      "src/store/a.ts:1: store/ (layer 3) imports mail/ (layer 4): upward",
      "src/store/a.ts:2: node:child_process (run processes through sys/ or git/)",
    ]);
  });

  it("finds static, dynamic, re-export and side-effect imports", () => {
    const text =
      'import a from "./a.js";\nexport { b } from "../b.js";\nawait import("node:fs");\nimport "./c.js";';
    assert.deepEqual(
      importsOf(text).map((i) => [i.spec, i.line]),
      [
        ["./a.js", 1],
        ["../b.js", 2],
        ["node:fs", 3],
        ["./c.js", 4],
      ],
    );
  });

  it("ignores forbidden calls in comments and strings", () => {
    assert.doesNotMatch(codeOnly('// Date.now()\nconst s = "new Date()";'), /Date/);
    assert.match(codeOnly("const t = Date.now();"), /Date\.now\(/);
  });
});
