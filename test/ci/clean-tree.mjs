// After `npm test`: the tests must not have changed or left tracked or unignored files (asserted in CI).
import { execFileSync } from "node:child_process";

const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" }).trimEnd();
if (status === "") {
  console.log("git status is clean after the tests\n1 passed, 0 failed");
} else if (process.env.CI) {
  console.log(`the tests changed the working tree:\n${status}\n0 passed, 1 failed`);
  process.exit(1);
} else {
  // Outside CI the tree holds the developer's own edits, so a dirty tree proves nothing either way.
  console.log(`git status is not clean (not checked outside CI):\n${status}`);
}
