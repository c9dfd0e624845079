/**
 * bench/results.md: each benchmark writes its own section between markers, leaving the others as
 * they are, with the date, the Node version and the machine it ran on.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const resultsFile = path.join(__dirname, "results.md");

const header = `# Benchmark results

Written by the benchmark scripts (\`npm run bench:client\`, …); each replaces its own section.
Figures are medians of interleaved rounds on the machine named in the section, a shared 2-core box:
compare figures within a section, not across machines.
`;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Replaces the section `name` of results.md (creating the file or the section if needed). */
export function writeSection(name: string, title: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const stamp = `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}.`;
  const section = `${start}\n## ${title}\n\n${stamp}\n\n${body.trim()}\n${end}`;
  const current = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, "utf8") : header;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + section + current.slice(to + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(resultsFile, next);
}
