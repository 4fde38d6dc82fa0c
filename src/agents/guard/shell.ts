/**
 * A small POSIX-shell reader for the guard: splits a command line into simple commands (words +
 * redirections), following quotes, escapes, `$(…)`/backtick substitutions (whose commands are
 * returned too) and here-documents (whose bodies are data, not commands). It does not execute or
 * expand anything; words containing expansions are flagged `dynamic`.
 */
export interface Word {
  text: string;
  /** Contains `$VAR`, `${…}`, `$(…)` or backticks: its runtime value is unknown. */
  dynamic: boolean;
}

export interface Redirect {
  op: string;
  /** File target, or undefined for fd duplication (`2>&1`) and here-documents. */
  target: Word | undefined;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
}

const OPERATOR_CHARS = new Set([";", "&", "|", "\n", "(", ")"]);

class Reader {
  pos = 0;
  readonly out: SimpleCommand[] = [];
  private heredocs: { delim: string; strip: boolean }[] = [];
  /** Depth of open backtick substitutions: inside one, a backtick closes instead of opening. */
  private backticks = 0;
  constructor(private readonly s: string) {}

  /** Reads commands until the end, or an unmatched `)` / backtick when `until` is given. */
  list(until?: ")" | "`"): void {
    let cmd: SimpleCommand = { words: [], redirects: [] };
    const flush = () => {
      if (cmd.words.length > 0 || cmd.redirects.length > 0) this.out.push(cmd);
      cmd = { words: [], redirects: [] };
    };
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === until) {
        this.pos++;
        break;
      }
      if (c === " " || c === "\t") this.pos++;
      else if (c === "\\" && this.s[this.pos + 1] === "\n") this.pos += 2;
      else if (c === "#") while (this.pos < this.s.length && this.s[this.pos] !== "\n") this.pos++;
      else if (c === "\n") {
        this.pos++;
        flush();
        this.skipHeredocBodies();
      } else if (c === "(") {
        this.pos++;
        flush();
        this.list(")");
      } else if (c === "&" && this.s[this.pos + 1] === ">") cmd.redirects.push(this.redirect(undefined));
      else if (OPERATOR_CHARS.has(c)) {
        this.pos++;
        flush();
      } else if (c === "<" || c === ">") cmd.redirects.push(this.redirect(undefined));
      else {
        const w = this.word();
        const next = this.s[this.pos];
        if (/^\d+$/.test(w.text) && !w.dynamic && (next === "<" || next === ">"))
          cmd.redirects.push(this.redirect(w.text));
        else cmd.words.push(w);
      }
    }
    flush();
  }

  private redirect(fd: string | undefined): Redirect {
    const m = /^(&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(this.s.slice(this.pos));
    const op = `${fd ?? ""}${m![1]}`;
    this.pos += m![1]!.length;
    while (this.s[this.pos] === " " || this.s[this.pos] === "\t") this.pos++;
    const target = this.word();
    if (op.endsWith("<<") || op.endsWith("<<-")) {
      this.heredocs.push({ delim: target.text, strip: op.endsWith("-") });
      return { op, target: undefined };
    }
    if (op.endsWith(">&") || op.endsWith("<&")) {
      return /^(\d+|-)$/.test(target.text) ? { op, target: undefined } : { op: ">", target };
    }
    return { op, target };
  }

  private skipHeredocBodies(): void {
    for (const h of this.heredocs) {
      while (this.pos < this.s.length) {
        const end = this.s.indexOf("\n", this.pos);
        const line = this.s.slice(this.pos, end < 0 ? this.s.length : end);
        this.pos = end < 0 ? this.s.length : end + 1;
        if ((h.strip ? line.replace(/^\t+/, "") : line) === h.delim) break;
      }
    }
    this.heredocs = [];
  }

  private word(): Word {
    let text = "";
    let dynamic = false;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === " " || c === "\t" || c === "<" || c === ">" || OPERATOR_CHARS.has(c)) break;
      if (c === "`" && this.backticks > 0) break;
      if (c === "'") {
        const end = this.s.indexOf("'", this.pos + 1);
        text += this.s.slice(this.pos + 1, end < 0 ? this.s.length : end);
        this.pos = end < 0 ? this.s.length : end + 1;
      } else if (c === '"') {
        this.pos++;
        dynamic =
          this.doubleQuoted((t) => {
            text += t;
          }) || dynamic;
      } else if (c === "\\") {
        text += this.s[this.pos + 1] ?? "";
        this.pos += 2;
      } else if (c === "$" || c === "`") {
        text += this.expansion();
        dynamic = true;
      } else {
        text += c;
        this.pos++;
      }
    }
    return { text, dynamic };
  }

  /** Reads a double-quoted string body; returns true when it held an expansion. */
  private doubleQuoted(emit: (t: string) => void): boolean {
    let dynamic = false;
    while (this.pos < this.s.length && this.s[this.pos] !== '"') {
      const c = this.s[this.pos]!;
      if (c === "\\" && '"\\$`\n'.includes(this.s[this.pos + 1] ?? "")) {
        emit(this.s[this.pos + 1]!);
        this.pos += 2;
      } else if (c === "$" || c === "`") {
        emit(this.expansion());
        dynamic = true;
      } else {
        emit(c);
        this.pos++;
      }
    }
    this.pos++;
    return dynamic;
  }

  /** Consumes `$…` or a backtick substitution; nested commands land in `out`. Returns a placeholder. */
  private expansion(): string {
    const rest = this.s.slice(this.pos);
    if (rest.startsWith("$((")) {
      const end = this.s.indexOf("))", this.pos);
      this.pos = end < 0 ? this.s.length : end + 2;
      return "$((…))";
    }
    if (rest.startsWith("`")) {
      this.pos++;
      this.backticks++;
      this.list("`");
      this.backticks--;
      return "$(…)";
    }
    if (rest.startsWith("$(")) {
      const outer = this.backticks;
      this.backticks = 0;
      this.pos += 2;
      this.list(")");
      this.backticks = outer;
      return "$(…)";
    }
    const m = /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?/.exec(rest);
    const len = m?.[0].length ?? 1;
    this.pos += len;
    return rest.slice(0, len);
  }
}

/** Every simple command in `command` (including those inside substitutions), in reading order. */
export function parseShell(command: string): SimpleCommand[] {
  const r = new Reader(command);
  while (r.pos < command.length) r.list();
  return r.out;
}
