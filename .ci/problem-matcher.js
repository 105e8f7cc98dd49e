// Applies the problem matchers' regular expressions, as the Actions runner does (JavaScript
// RegExp, each matcher on every line), to real `entralint check --format short` output read from
// stdin, and checks what they extract. The runner accepts the severities error, warning and
// notice; a line's severity is the matched group, or else its matcher's default.
const fs = require("fs");
const { problemMatcher } = JSON.parse(
  fs.readFileSync(".github/entralint-problem-matcher.json", "utf8"),
);
const accepted = ["error", "warning", "notice"];
const lines = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
if (lines.length === 0) {
  console.error("no output to match");
  process.exit(1);
}
let failures = 0;
const seen = {};
for (const line of lines) {
  const matches = [];
  for (const matcher of problemMatcher) {
    const pattern = matcher.pattern[0];
    const m = new RegExp(pattern.regexp).exec(line);
    if (m) matches.push({ matcher, pattern, m });
  }
  // Two matchers on one line would annotate it twice.
  const only = matches.length === 1 ? matches[0] : null;
  let ok = false;
  if (only) {
    const { matcher, pattern, m } = only;
    const severity = pattern.severity ? m[pattern.severity] : matcher.severity;
    ok =
      accepted.includes(severity) &&
      fs.existsSync(m[pattern.file]) &&
      Number(m[pattern.line]) > 0 &&
      Number(m[pattern.column]) > 0 &&
      !m[pattern.message].includes(" [") &&
      /^[a-z0-9-]+$/.test(m[pattern.code]) &&
      line.includes(`[${m[pattern.code]}]`);
    if (ok) seen[severity] = (seen[severity] || 0) + 1;
  }
  if (!ok) {
    console.error(`problem matcher does not read: ${line}`);
    failures++;
  }
}
for (const severity of accepted) {
  if (!seen[severity]) {
    console.error(`no ${severity} line was read: the check would not show that severity works`);
    failures++;
  }
}
console.log(
  `problem matcher: ${lines.length - failures} of ${lines.length} lines read ` +
    `(${accepted.map((s) => `${seen[s] || 0} ${s}`).join(", ")})`,
);
process.exit(failures === 0 ? 0 : 1);
