/**
 * Each resource declares its arguments once (the zod schema `check` validates with) and which of
 * them replace the resource once (its diff table, `<resource>DiffFields`, which the diff reads).
 * What users read is checked against that declaration: the page's "Arguments" table in
 * docs/resources/ (every argument, and **yes** under "Replaces?" exactly for the replacing ones)
 * and each argument's doc comment in `args.ts` (which an editor shows: "**Changing this replaces
 * …**" exactly for the replacing ones). The page's "Default" column says "required" exactly for the
 * arguments the schema requires, and its "Outputs" section names every output the resource adds
 * (its registered output names that are not arguments). That the args.ts interface, the schema, the
 * output names and the class's outputs agree is checked when the package compiles (ArgumentsMatchSchema,
 * OutputsMatchClass).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { DiffField } from "../../provider/resources/common/diff";
import { authIntegrationInputsSchema } from "../../provider/resources/authIntegration/args";
import { authIntegrationDiffFields, authIntegrationOutputNames, authIntegrationSecretOutputs } from "../../provider/resources/authIntegration/logic";
import { branchInputsSchema } from "../../provider/resources/branch/args";
import { branchDiffFields, branchOutputNames } from "../../provider/resources/branch/logic";
import { dataApiInputsSchema } from "../../provider/resources/dataApi/args";
import { dataApiDiffFields, dataApiOutputNames } from "../../provider/resources/dataApi/logic";
import { endpointInputsSchema } from "../../provider/resources/endpoint/args";
import { endpointDiffFields, endpointOutputNames } from "../../provider/resources/endpoint/logic";
import { neonProjectInputsSchema } from "../../provider/resources/project/args";
import { projectDiffFields, projectOutputNames, projectSecretOutputs } from "../../provider/resources/project/logic";
import { snapshotInputsSchema } from "../../provider/resources/snapshot/args";
import { snapshotDiffFields, snapshotOutputNames } from "../../provider/resources/snapshot/logic";
import { packageRoot } from "../../runner/packageRoot";

const repoRoot = packageRoot();

interface DeclaredResource {
  name: string;
  dir: string;
  schema: z.ZodObject;
  diffFields: readonly DiffField[];
  outputNames: readonly string[];
  secretOutputs?: readonly string[];
}

const resources: DeclaredResource[] = [
  { name: "NeonProject", dir: "project", schema: neonProjectInputsSchema(), diffFields: projectDiffFields, outputNames: projectOutputNames, secretOutputs: projectSecretOutputs },
  { name: "Branch", dir: "branch", schema: branchInputsSchema(), diffFields: branchDiffFields, outputNames: branchOutputNames },
  { name: "Endpoint", dir: "endpoint", schema: endpointInputsSchema(), diffFields: endpointDiffFields, outputNames: endpointOutputNames },
  { name: "Snapshot", dir: "snapshot", schema: snapshotInputsSchema(), diffFields: snapshotDiffFields, outputNames: snapshotOutputNames },
  {
    name: "AuthIntegration",
    dir: "authIntegration",
    schema: authIntegrationInputsSchema(),
    diffFields: authIntegrationDiffFields,
    outputNames: authIntegrationOutputNames,
    secretOutputs: authIntegrationSecretOutputs,
  },
  { name: "DataApi", dir: "dataApi", schema: dataApiInputsSchema(), diffFields: dataApiDiffFields, outputNames: dataApiOutputNames },
];

const argumentsOf = (resource: DeclaredResource) => Object.keys(resource.schema.shape);
const requiredArgumentsOf = (resource: DeclaredResource) => argumentsOf(resource).filter((name) => !resource.schema.shape[name]!.safeParse(undefined).success);

/** The rows of the page's "## Arguments" table: the argument, whether its "Replaces?" cell says yes, and its "Default" cell. */
function documentedArguments(page: string): Map<string, { replaces: boolean; default: string }> {
  const text = fs.readFileSync(page, "utf8");
  const section = text.slice(text.indexOf("## Arguments"));
  const rows = section.split("\n").slice(1).filter((l) => l.startsWith("| `"));
  const table = section.split("\n\n").find((block) => block.startsWith("| Argument"));
  assert.ok(table, `${page} has an Arguments table`);
  const header = table.split("\n")[0].split("|").map((c) => c.trim());
  const replacesColumn = header.indexOf("Replaces?");
  const defaultColumn = header.indexOf("Default");
  return new Map(
    rows
      .filter((row) => table.includes(row))
      .map((row) => {
        const cells = row.split(/(?<!\\)\|/).map((c) => c.trim()); // a type cell escapes its own pipes
        return [/^`(\w+)`$/.exec(cells[1])![1], { replaces: cells[replacesColumn].startsWith("**yes**"), default: cells[defaultColumn] ?? "" }] as const;
      }),
  );
}

/** Each argument's doc comment in args.ts: whether it says changing it replaces the resource. */
function commentedArguments(argsFile: string, interfaceName: string): Map<string, boolean> {
  const text = fs.readFileSync(argsFile, "utf8");
  const start = text.indexOf(`export interface ${interfaceName} {`);
  assert.ok(start >= 0, `${argsFile} declares ${interfaceName}`);
  const body = text.slice(start, text.indexOf("\n}\n", start));
  const found = new Map<string, boolean>();
  for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)\??:/g)) {
    found.set(m[2], /\*\*[^*]*[Cc]hanging (this|it|a declared value) replaces/.test(m[1]));
  }
  return found;
}

describe("each resource's arguments as users read them", () => {
  for (const resource of resources) {
    describe(resource.name, () => {
      const replacing = resource.diffFields.filter((f) => f.replaces === true).map((f) => f.name).sort();

      it("replaces only for arguments it has", () => {
        for (const field of resource.diffFields) assert.ok(argumentsOf(resource).includes(field.name), `diff field ${field.name} is an argument`);
      });

      it(`docs/resources/${resource.name}.md lists every argument, saying which replace it and which are required`, () => {
        const documented = documentedArguments(path.join(repoRoot, "docs", "resources", `${resource.name}.md`));
        assert.deepEqual([...documented.keys()].sort(), argumentsOf(resource).sort());
        assert.deepEqual([...documented].filter(([, row]) => row.replaces).map(([name]) => name).sort(), replacing);
        assert.deepEqual([...documented].filter(([, row]) => /^required\b/.test(row.default)).map(([name]) => name).sort(), requiredArgumentsOf(resource).sort());
      });

      it(`docs/resources/${resource.name}.md names every output the resource adds to its arguments`, () => {
        const text = fs.readFileSync(path.join(repoRoot, "docs", "resources", `${resource.name}.md`), "utf8");
        const outputs = text.slice(text.indexOf("## Outputs"), text.indexOf("\n## ", text.indexOf("## Outputs") + 1));
        const named = new Set([...outputs.matchAll(/`(\w+)`/g)].map((m) => m[1]));
        const added = resource.outputNames.filter((name) => !argumentsOf(resource).includes(name));
        assert.deepEqual(added.filter((name) => !named.has(name)), []);
      });

      it(`docs/resources/${resource.name}.md says which outputs are secret, and no others`, () => {
        const text = fs.readFileSync(path.join(repoRoot, "docs", "resources", `${resource.name}.md`), "utf8");
        const outputs = text.slice(text.indexOf("## Outputs"), text.indexOf("\n## ", text.indexOf("## Outputs") + 1));
        // A secret output is named in a sentence or row that says it is secret.
        const lines = outputs.split("\n");
        const rows = lines.filter((l) => l.startsWith("|"));
        const sentences = lines.filter((l) => !l.startsWith("|")).join(" ").split(/\.\s/);
        const secretLines = [...rows, ...sentences].filter((line) => /\bsecret/i.test(line.replace(/client secrets?/g, "")));
        const named = new Set(secretLines.flatMap((line) => [...line.matchAll(/`(\w+)`/g)].map((m) => m[1])));
        for (const secret of resource.secretOutputs ?? []) assert.ok(named.has(secret), `${secret} is said to be secret`);
        const tableSecrets = [...outputs.matchAll(/^\| `(\w+)` \|[^\n]*\*\*Secret/gm)].map((m) => m[1]);
        for (const name of tableSecrets) assert.ok((resource.secretOutputs ?? []).includes(name), `${name} is marked secret but is not a secret output`);
      });

      it(`args.ts documents every argument, saying which replace it`, () => {
        const commented = commentedArguments(path.join(repoRoot, "provider", "resources", resource.dir, "args.ts"), `${resource.name}Args`);
        assert.deepEqual([...commented.keys()].sort(), argumentsOf(resource).sort());
        assert.deepEqual([...commented].filter(([, yes]) => yes).map(([name]) => name).sort(), replacing);
      });
    });
  }
});
