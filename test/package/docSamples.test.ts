/**
 * Every TypeScript sample of the README, docs/ and the examples' READMEs compiles against the
 * package as it is, with the repository's strict settings: a renamed argument or export fails here
 * instead of misleading a reader. Each page's samples are compiled as one module placed in the
 * page's folder (so a relative import resolves as for a file there); a block marked
 * ```` ```ts continued ```` goes on from the page's samples before it (it sees their imports and
 * declarations, in a block scope of its own, so it may declare a name again). Nothing is written
 * to disk: the compiler reads the samples from memory.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { packageRoot } from "../../runner/packageRoot";

const repoRoot = packageRoot();

function pages(): string[] {
  const found = ["README.md", ...fs.readdirSync(path.join(repoRoot, "examples")).map((e) => path.join("examples", e, "README.md"))];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name.endsWith(".md")) found.push(path.join(dir, entry.name));
    }
  };
  walk("docs");
  return found.filter((p) => fs.existsSync(path.join(repoRoot, p)));
}

interface Sample {
  code: string;
  continued: boolean;
  line: number;
}

function samplesOf(page: string): Sample[] {
  const lines = fs.readFileSync(path.join(repoRoot, page), "utf8").split("\n");
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+continued)?\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    samples.push({ code: lines.slice(i + 1, end).join("\n"), continued: open[2] !== undefined, line: i + 2 });
    i = end;
  }
  return samples;
}

/**
 * The page's samples as one module: their imports first (the names each sample imports from a
 * module merged into one import of it), each continued sample in a block of its own.
 */
function moduleOf(samples: Sample[]): string {
  const named = new Map<string, Set<string>>();
  const other = new Set<string>();
  const body: string[] = [];
  for (const sample of samples) {
    const lines = sample.code.split("\n");
    for (const line of lines.filter((l) => /^import /.test(l))) {
      const m = /^import \{([^}]*)\} from (".*");$/.exec(line);
      if (!m) other.add(line);
      else for (const name of m[1].split(",").map((n) => n.trim()).filter(Boolean)) named.set(m[2], (named.get(m[2]) ?? new Set()).add(name));
    }
    const own = lines.filter((l) => !/^import /.test(l)).join("\n");
    body.push(sample.continued ? `{\n${own}\n}` : own);
  }
  const imports = [...other, ...[...named].map(([from, names]) => `import { ${[...names].join(", ")} } from ${from};`)];
  return [...imports, ...body, "export {};"].join("\n");
}

function compile(files: Map<string, string>): string[] {
  const config = ts.readConfigFile(path.join(repoRoot, "tsconfig.json"), ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // Samples use top-level await, as a script or a module of a user's would.
    module: ts.ModuleKind.ESNext,
    noEmit: true,
    types: ["node"],
    paths: {
      ...parsed.options.paths,
      "neon-pulumi-dynamic/client": ["provider/client/index.ts"],
      "neon-pulumi-dynamic/emulator": ["emulator/index.ts"],
    },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => files.get(path.resolve(file)) ?? readFile(file);
  host.fileExists = (file) => files.has(path.resolve(file)) || ts.sys.fileExists(file);
  host.getSourceFile = (file, language, onError, fresh) => {
    const text = files.get(path.resolve(file));
    return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, onError, fresh);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(path.resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = files.get(path.resolve(d.file!.fileName))!.split("\n")[line];
      return `${path.relative(repoRoot, d.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}\n    ${text.trim()}`;
    });
}

describe("the TypeScript samples of the README and the docs", function () {
  this.timeout(120_000);

  it("compile against the package, page by page", () => {
    const files = new Map<string, string>();
    for (const page of pages()) {
      const samples = samplesOf(page);
      if (samples.length === 0) continue;
      assert.ok(!samples[0].continued, `${page}: its first sample cannot be a continued one`);
      files.set(path.join(repoRoot, path.dirname(page), `__samples_of_${path.basename(page, ".md")}.ts`), moduleOf(samples));
    }
    assert.ok(files.size >= 10, `samples found on ${files.size} pages`);
    assert.deepEqual(compile(files), []);
  });
});
