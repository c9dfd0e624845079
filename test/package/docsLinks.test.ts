/**
 * Every relative link of the README and the docs leads somewhere: to a file or folder of the
 * repository and, with a `#fragment`, to a heading of that page (GitHub's slugs).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../runner/packageRoot";

const repoRoot = packageRoot();

function markdownPages(): string[] {
  const pages = ["README.md", ...fs.readdirSync(path.join(repoRoot, "examples")).map((e) => path.join("examples", e, "README.md"))];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) pages.push(rel);
    }
  };
  walk("docs");
  return pages.filter((p) => fs.existsSync(path.join(repoRoot, p)));
}

/** Markdown outside code blocks and inline code. */
function prose(text: string): string {
  return text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const headings = prose(fs.readFileSync(file, "utf8"))
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => slug(l.replace(/^#+ /, "")));
  return new Set(headings);
}

describe("the README's and the docs' links", () => {
  const pages = markdownPages();

  it("are found in the README, docs/ and the examples' READMEs", () => {
    assert.ok(pages.includes("README.md") && pages.includes(path.join("docs", "client.md")) && pages.includes(path.join("docs", "resources", "README.md")), pages.join(", "));
  });

  for (const page of pages) {
    it(`${page}: every relative link leads to an existing file and heading`, () => {
      const text = prose(fs.readFileSync(path.join(repoRoot, page), "utf8"));
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [file, fragment] = target.split("#");
        const resolved = file === "" ? path.join(repoRoot, page) : path.resolve(repoRoot, path.dirname(page), file);
        if (!fs.existsSync(resolved)) {
          broken.push(`${target} (no such file)`);
          continue;
        }
        if (fragment !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(fragment)) broken.push(`${target} (no such heading)`);
      }
      assert.deepEqual(broken, []);
    });
  }
});
