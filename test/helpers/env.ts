// Imported first by every test file: isolates git from the machine's and the user's configuration.
// Each test file runs in its own process (node --test), so this process-wide setup is per file.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const home = mkdtempSync(join(tmpdir(), "ov-home-"));
mkdirSync(home, { recursive: true });
writeFileSync(
  join(home, ".gitconfig"),
  "[user]\n\tname = Test User\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n[gc]\n\tauto = 0\n",
);
process.env.HOME = home;
process.env.GIT_CONFIG_NOSYSTEM = "1";
process.env.GIT_CONFIG_GLOBAL = join(home, ".gitconfig");
process.env.GIT_AUTHOR_DATE = "";
delete process.env.GIT_AUTHOR_DATE;
for (const k of [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OV_AGENT",
  "GIT_OV_CAS",
  "GIT_OV_INTERNAL",
])
  delete process.env[k];

export const TEST_HOME = home;
