import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseShell } from "../../src/agents/guard/shell.js";

const words = (cmd: string) => parseShell(cmd).map((c) => c.words.map((w) => w.text).join(" "));

describe("guard shell reader", () => {
  it("splits on control operators outside quotes only", () => {
    assert.deepEqual(words("a 'b; c' && d \"e | f\" || g; h & i | j"), [
      "a b; c",
      "d e | f",
      "g",
      "h",
      "i",
      "j",
    ]);
  });
  it("returns commands inside substitutions and flags dynamic words", () => {
    const cmds = parseShell('echo "x $(rm -rf /) `id`" $HOME');
    assert.deepEqual(
      cmds.map((c) => c.words[0]?.text),
      ["rm", "id", "echo"],
    );
    const echo = cmds[2]!;
    assert.equal(echo.words[1]!.dynamic, true);
    assert.equal(echo.words[2]!.text, "$HOME");
  });
  it("treats here-document bodies as data", () => {
    assert.deepEqual(words("cat <<'EOF' > out\nrm -rf /\nEOF\nls"), ["cat", "ls"]);
    assert.deepEqual(words('git ov spec write t --body "$(cat <<EOF\nsee (a) and b)\nEOF\n)"; pwd'), [
      "cat",
      "git ov spec write t --body $(…)",
      "pwd",
    ]);
  });
  it("reads redirections and separates fd duplication from files", () => {
    const [c] = parseShell("cmd 2>&1 >>log.txt <in &>all");
    assert.deepEqual(
      c!.redirects.map((r) => [r.op, r.target?.text ?? null]),
      [
        ["2>&", null],
        [">>", "log.txt"],
        ["<", "in"],
        ["&>", "all"],
      ],
    );
  });
  it("keeps escapes and ignores comments", () => {
    assert.deepEqual(words("echo a\\;b # rm -rf /\nnext"), ["echo a;b", "next"]);
  });
});
