// Applies the problem matcher's regular expression, as GitHub does (JavaScript RegExp), to real
// `entralint check --format short` output read from stdin, and checks what it extracts.
const fs = require("fs");
const matcher = JSON.parse(fs.readFileSync(".github/entralint-problem-matcher.json", "utf8"));
const pattern = matcher.problemMatcher[0].pattern[0];
const regexp = new RegExp(pattern.regexp);
const lines = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
if (lines.length === 0) {
  console.error("no output to match");
  process.exit(1);
}
let failures = 0;
for (const line of lines) {
  const m = regexp.exec(line);
  const ok =
    m &&
    fs.existsSync(m[pattern.file]) &&
    Number(m[pattern.line]) > 0 &&
    Number(m[pattern.column]) > 0 &&
    ["error", "warning", "info"].includes(m[pattern.severity]) &&
    !m[pattern.message].includes(" [") &&
    /^[a-z0-9-]+$/.test(m[pattern.code]) &&
    line.includes(`[${m[pattern.code]}]`);
  if (!ok) {
    console.error(`problem matcher does not read: ${line}`);
    failures++;
  }
}
console.log(`problem matcher: ${lines.length - failures} of ${lines.length} lines read`);
process.exit(failures === 0 ? 0 : 1);
