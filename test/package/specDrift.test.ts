/**
 * Issue 9's promise, tried for real: a field renamed in Neon's spec must fail the build in the
 * client and in the local Neon API. The test writes a copy of the spec with fields renamed,
 * generates its types (tools/specTypes.ts, as the build does), and type-checks the package's
 * sources against them: the same sources, seen through symlinks from a folder whose `spec/` is the
 * renamed copy (`preserveSymlinks` keeps their relative imports of `spec/types` inside it).
 *
 * One control run with the spec as it is guards the setup: it must compile cleanly, so every error
 * of the renamed run is the rename's.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../../runner/packageRoot";
import { specTypesSource } from "../../tools/specTypes";

const root = packageRoot();

interface Spec {
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>> };
}

/** Renames a property of an object schema (and in its `required` list), as a spec change would. */
function renameProperty(schema: { properties?: Record<string, unknown>; required?: string[] }, from: string, to: string): void {
  assert.ok(schema.properties && from in schema.properties, `the spec has no property ${from} here`);
  schema.properties[to] = schema.properties[from];
  delete schema.properties[from];
  if (schema.required) schema.required = schema.required.map((name) => (name === from ? to : name));
}

/** A folder that sees the repository's sources, with `spec/` replaced by the given document. */
function checkoutWithSpec(spec: Spec): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neon-spec-drift-"));
  for (const entry of ["provider", "emulator", "runner", "node_modules"]) fs.symlinkSync(path.join(root, entry), path.join(dir, entry));
  fs.mkdirSync(path.join(dir, "spec", "types"), { recursive: true });
  const document = path.join(dir, "spec", "neon-openapi-v2.json");
  fs.writeFileSync(document, JSON.stringify(spec));
  fs.copyFileSync(path.join(root, "spec", "types", "index.ts"), path.join(dir, "spec", "types", "index.ts"));
  fs.writeFileSync(path.join(dir, "spec", "types", "generated.ts"), specTypesSource(document));
  const base = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  const { paths: _paths, outDir: _outDir, ...compilerOptions } = base.compilerOptions;
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, noEmit: true, preserveSymlinks: true, types: ["node"] },
      // The client, the resources that build requests, and the local Neon API, as the build sees them.
      include: ["provider/**/*.ts", "emulator/**/*.ts", "spec/**/*.ts"],
    }),
  );
  return dir;
}

/** `tsc` errors, each with the lines that explain it (they start with the file, relative to the folder). */
function typeErrors(dir: string): string[] {
  const run = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
  if (run.status === 0) return [];
  const errors = run.stdout.split(/\n(?=\S)/).filter((block) => / error TS\d+:/.test(block));
  assert.ok(errors.length > 0, `tsc failed without type errors:\n${run.stdout}\n${run.stderr}`);
  return errors;
}

function errorsIn(errors: readonly string[], file: string): string[] {
  return errors.filter((line) => line.startsWith(file));
}

describe("a field renamed in Neon's spec (issue 9)", function () {
  // Two type-checks of the package's sources, about 15 s each on the reference machine.
  this.timeout(240_000);
  const folders: string[] = [];
  let original: Spec;

  before(() => {
    original = JSON.parse(fs.readFileSync(path.join(root, "spec", "neon-openapi-v2.json"), "utf8")) as Spec;
  });

  after(() => {
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("compiles with the spec as it is (the control: the setup itself adds no error)", () => {
    const dir = checkoutWithSpec(original);
    folders.push(dir);
    assert.deepEqual(typeErrors(dir), []);
  });

  it("fails the build in the client, the resources and the local Neon API, naming the fields", () => {
    const spec = structuredClone(original);
    const schemas = spec.components.schemas;
    type ObjectSchema = { properties?: Record<string, unknown>; required?: string[] };
    // Answers: Endpoint.host (the client parses it, the local Neon API answers it); a field of a
    // settings object the client reads leniently (ProjectSettingsData.audit_log_level); a field the
    // local Neon API answers only in one variant (Role.password, revealed) and one it answers from
    // its store as is (Organization.allow_hipaa_projects).
    renameProperty(schemas.Endpoint!, "host", "hostname");
    renameProperty(schemas.ProjectSettingsData!, "audit_log_level", "audit_level");
    renameProperty(schemas.Role!, "password", "secret");
    renameProperty(schemas.Organization!, "allow_hipaa_projects", "hipaa_allowed");
    // Requests: EndpointCreateRequest.endpoint.branch_id (the Endpoint resource sends it, the local
    // Neon API reads it) and BranchCreateRequest.branch.parent_id (an optional part of a body).
    renameProperty(schemas.EndpointCreateRequest!.properties!.endpoint as ObjectSchema, "branch_id", "branch");
    renameProperty(schemas.BranchCreateRequest!.properties!.branch as ObjectSchema, "parent_id", "parent");
    const dir = checkoutWithSpec(spec);
    folders.push(dir);
    const errors = typeErrors(dir);
    const all = errors.join("\n");
    const someErrorIn = (file: string, ...mentions: string[]) =>
      assert.ok(
        errorsIn(errors, file).some((e) => mentions.every((m) => e.includes(m))),
        `expected an error in ${file} mentioning ${mentions.join(" and ")}; errors:\n${all}`,
      );

    someErrorIn("provider/client/schemas/specConformance.ts", ".host: not in Neon's spec");
    someErrorIn("provider/client/schemas/specConformance.ts", "audit_log_level: not in Neon's spec");
    someErrorIn("provider/resources/endpoint/logic.ts", "branch_id");
    someErrorIn("provider/resources/branch/logic.ts", "parent_id");
    someErrorIn("emulator/render.ts", "host: not in Neon's spec", "hostname: required by Neon's spec");
    someErrorIn("emulator/render.ts", "password: not in Neon's spec");
    someErrorIn("emulator/handlers/identity.ts", "allow_hipaa_projects: not in Neon's spec");
    someErrorIn("emulator/handlers/specConformance.ts", "endpoint.branch_id: not in Neon's spec");
  });
});
