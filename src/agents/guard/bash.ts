import { basename } from "node:path";
import { checkGit } from "./git-rules.js";
import { checkRm, expand, FILE_WRITERS, sedFiles, target, writtenOperands } from "./file-rules.js";
import { resolveReal } from "./paths.js";
import { type SimpleCommand, type Word, parseShell } from "./shell.js";
import { checkOv, checkTracker } from "./ov-rules.js";
import { ALLOW, type BashContext, type GuardDecision, block } from "./types.js";

/** Words that only prefix the real command. */
const PREFIXES = new Set([
  "sudo",
  "env",
  "command",
  "exec",
  "nohup",
  "time",
  "nice",
  "builtin",
  "then",
  "do",
  "else",
  "elif",
  "if",
  "while",
  "until",
  "!",
  "{",
  "}",
  "stdbuf",
  "timeout",
]);
/** Further programs read-only roles may not run at all. */
const EDITORS = new Set(["vi", "vim", "nvim", "nano", "emacs", "ed", "pico"]);
const PACKAGE_MANAGERS = new Set([
  "npm",
  "pnpm",
  "yarn",
  "bun",
  "pip",
  "pip3",
  "cargo",
  "gem",
  "go",
  "apt",
  "apt-get",
  "brew",
]);
const INSTALL_VERBS = new Set([
  "install",
  "i",
  "add",
  "ci",
  "remove",
  "rm",
  "uninstall",
  "update",
  "upgrade",
  "link",
  "get",
  "unlink",
]);
const INLINE_CODE: Record<string, readonly string[]> = {
  node: ["-e", "--eval", "-p", "--print"],
  python: ["-c"],
  python3: ["-c"],
  perl: ["-e", "-E", "-i", "-pi"],
  ruby: ["-e"],
  deno: ["eval"],
  bun: ["-e", "--eval"],
  php: ["-r"],
};
const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh"]);

/** The words from the real program on: assignments and prefixes such as `env`, `then`, `!` dropped. */
export function strip(words: Word[]): Word[] {
  let i = 0;
  while (i < words.length) {
    const t = words[i]!.text;
    // An assignment never runs its value (substitutions in it are checked as commands of their own).
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) i++;
    else if (PREFIXES.has(t)) {
      i++;
      while (
        i < words.length &&
        (words[i]!.text.startsWith("-") || (t === "timeout" && /^\d/.test(words[i]!.text)))
      )
        i++;
    } else break;
  }
  return words.slice(i);
}

function first(...ds: GuardDecision[]): GuardDecision {
  return ds.find((d) => !d.allow) ?? ALLOW;
}

function checkProgram(cmd: Word[], ctx: BashContext, depth: number): GuardDecision {
  const words = strip(cmd);
  const head = words[0];
  if (!head || head.text === "for" || head.text === "case" || head.text === "select") return ALLOW;
  if (head.dynamic && ctx.readOnly)
    return block("read-only", `cannot verify the command ${head.text}; spell it out`);
  const prog = basename(head.text);
  const args = words.slice(1);
  const texts = args.map((a) => a.text);
  if (prog === "cd" || prog === "pushd") return ALLOW;
  if ((SHELLS.has(prog) && texts.includes("-c")) || prog === "eval") {
    const script = prog === "eval" ? texts.join(" ") : (texts[texts.indexOf("-c") + 1] ?? "");
    return depth > 4
      ? block("bad-input", "command nesting too deep")
      : checkCommandLine(script, ctx, depth + 1);
  }
  if (prog === "xargs") {
    const i = args.findIndex((a, k) => !a.text.startsWith("-") && !/^-[IdEnLPsa]$/.test(texts[k - 1] ?? ""));
    return i < 0 ? ALLOW : checkProgram(args.slice(i), ctx, depth + 1);
  }
  if (prog === "find") return checkFind(args, ctx, depth);
  if (prog === "git") return checkGit(words, ctx);
  if (prog === "git-ov" || prog === "ov") return checkOv(texts, ctx);
  if (prog === "sd" || prog === "bd") return checkTracker(texts, ctx);
  if (prog === "rm" || prog === "rmdir") {
    const d = checkRm(prog, args, ctx);
    if (!d.allow) return d;
  }
  const sedInPlace = prog === "sed" && texts.some((t) => t === "--in-place" || /^-[A-Za-z]*i/.test(t));
  if (FILE_WRITERS.has(prog) || sedInPlace) {
    if (ctx.readOnly)
      return block("read-only", `${ctx.agent.capability} agents cannot modify files: ${prog} is not allowed`);
    const ops = sedInPlace ? sedFiles(args) : writtenOperands(prog, args);
    return first(...ops.map((o) => target(o, ctx, prog)));
  }
  if (!ctx.readOnly) return ALLOW;
  if (EDITORS.has(prog))
    return block("read-only", `${ctx.agent.capability} agents cannot modify files: ${prog} is not allowed`);
  if (PACKAGE_MANAGERS.has(prog) && INSTALL_VERBS.has(texts.find((t) => !t.startsWith("-")) ?? ""))
    return block("read-only", `${ctx.agent.capability} agents cannot install or remove packages`);
  const inline = INLINE_CODE[prog];
  if (inline && texts.some((t) => inline.includes(t)))
    return block(
      "read-only",
      `${ctx.agent.capability} agents cannot run inline code (${prog} ${texts.find((t) => inline.includes(t))})`,
    );
  return ALLOW;
}

function checkFind(args: Word[], ctx: BashContext, depth: number): GuardDecision {
  const texts = args.map((a) => a.text);
  const execAt = texts.findIndex((t) => /^-(exec|execdir|ok|okdir)$/.test(t));
  if (execAt >= 0) {
    const end = texts.findIndex((t, k) => k > execAt && (t === ";" || t === "+"));
    const d = checkProgram(args.slice(execAt + 1, end < 0 ? undefined : end), ctx, depth + 1);
    if (!d.allow) return d;
  }
  if (texts.includes("-delete") || texts.some((t) => t.startsWith("-fprint"))) {
    if (ctx.readOnly)
      return block(
        "read-only",
        `${ctx.agent.capability} agents cannot modify files: find -delete is not allowed`,
      );
    const starts = args.slice(
      0,
      Math.max(
        0,
        texts.findIndex((t) => t.startsWith("-") || t === "(" || t === "!"),
      ),
    );
    const dot: Word = { text: ".", dynamic: false };
    return checkRm("rm", [{ text: "-r", dynamic: false }, ...(starts.length ? starts : [dot])], ctx, true);
  }
  return ALLOW;
}

function checkRedirects(cmd: SimpleCommand, ctx: BashContext): GuardDecision {
  for (const r of cmd.redirects) {
    if (!r.target || !r.op.includes(">")) continue;
    const d = target(r.target, ctx, `redirect ${r.op}`);
    if (!d.allow) return d;
  }
  return ALLOW;
}

/** Walks every simple command in a shell command line, tracking `cd`, and returns the first block. */
export function checkCommandLine(command: string, ctx: BashContext, depth = 0): GuardDecision {
  const local: BashContext = { ...ctx };
  for (const cmd of parseShell(command)) {
    const d = first(checkRedirects(cmd, local), checkProgram(cmd.words, local, depth));
    if (!d.allow) return d;
    const words = strip(cmd.words);
    if (words[0]?.text === "cd" || words[0]?.text === "pushd") {
      const dest = words[1] ? expand(words[1], local) : { text: local.ports.home, dynamic: false };
      local.cwd =
        dest.dynamic || local.cwd === undefined ? undefined : resolveReal(dest.text, local.cwd, local.ports);
    }
  }
  return ALLOW;
}
