/**
 * What every resource class shares: the readable type token, secret outputs merged into the
 * user's options, and the guard against a TypeScript the closure serializer cannot use.
 */
import * as pulumi from "@pulumi/pulumi";
import { dirname } from "node:path";

/** `pulumi-nodejs:dynamic/neon:<Type>`: readable in previews and policy packs. */
export const neonModule = "neon";

export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, secrets: readonly string[]): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secrets] });
}

const typescriptGuard = { checked: false };

/**
 * Pulumi serializes dynamic providers with the TypeScript compiler API that it resolves from its
 * own location; TypeScript 7 has no such API and every dynamic resource then fails with an obscure
 * error. Say so clearly instead (once per process).
 */
export function assertSerializerCompatibleTypescript(): void {
  if (typescriptGuard.checked) return;
  typescriptGuard.checked = true;
  let ts: unknown;
  try {
    const pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json"));
    ts = require(require.resolve("typescript", { paths: [pulumiDir] }));
  } catch {
    return; // No TypeScript installed: Pulumi falls back to its vendored copy.
  }
  const problem = typescriptProblem(ts);
  if (problem) throw new Error(problem);
}

/** Why a TypeScript module cannot serve Pulumi's closure serializer, or undefined when it can. */
export function typescriptProblem(ts: unknown): string | undefined {
  const module = ts as { createSourceFile?: unknown; version?: string } | undefined;
  if (typeof module?.createSourceFile === "function") return undefined;
  return (
    `TypeScript ${module?.version ?? "(unknown version)"} has no compiler API, which Pulumi needs to serialize dynamic providers. ` +
    `Install typescript@~5.9 in the Pulumi program (TypeScript 7 is not supported by @pulumi/pulumi's closure serializer).`
  );
}

/**
 * During `pulumi preview` of an update, the engine reports a dynamic resource's outputs as unknown
 * except those that echo its inputs (the plugin cannot preview), but the resource's id stays known.
 * An output that *is* the id is therefore served from `this.id`: resources that depend on it see a
 * known value, and a preview does not show them replaced when their parent is merely updated (for
 * example when a project is renamed or its active branch restored).
 */
export function serveOutputFromId(resource: pulumi.CustomResource, output: string): void {
  (resource as unknown as Record<string, unknown>)[output] = resource.id;
}

/**
 * For resources that are unique where they live (a branch name in a project, one Neon Auth per
 * branch, one Data API per branch and database): a replacement must delete the old one first.
 * `diff` says so; the option makes it hold for `pulumi up --replace` too, which does not ask
 * `diff`. A user's explicit choice wins.
 */
export function deleteBeforeReplaceUnlessSet(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return opts?.deleteBeforeReplace === undefined ? { ...opts, deleteBeforeReplace: true } : opts;
}

/** The outputs a resource class declares (its `pulumi.Output` properties beyond every resource's own). */
type DeclaredOutputs<Resource> = Exclude<{ [K in keyof Resource]: Resource[K] extends pulumi.Output<unknown> ? K : never }[keyof Resource], keyof pulumi.dynamic.Resource>;

/**
 * Where a resource's registered output names (the list its constructor names, so Pulumi creates
 * each Output) and its class's declared outputs (what users read) disagree, naming the output.
 */
export type OutputNameMismatches<Names extends readonly string[], Resource> =
  | { [K in Exclude<DeclaredOutputs<Resource>, Names[number]> & string]: `${K}: declared by the class, not registered` }[Exclude<DeclaredOutputs<Resource>, Names[number]> & string]
  | { [K in Exclude<Names[number], DeclaredOutputs<Resource>>]: `${K}: registered, not declared by the class` }[Exclude<Names[number], DeclaredOutputs<Resource>>];

/** Compiles only when `Mismatches` is `never` (each resource.ts checks its output names). */
export type OutputsMatchClass<Mismatches extends never> = Mismatches;
