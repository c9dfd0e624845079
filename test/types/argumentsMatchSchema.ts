/**
 * Compile-time tests of `ArgumentMismatches` (provider/resources/common/check.ts), which each
 * resource's args.ts uses to keep its documented `Args` interface and its zod schema in step. The
 * build type-checks this file. Nothing here runs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ArgumentMismatches } from "../../provider/resources/common/check";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

interface Args {
  readonly projectId: pulumi.Input<string>;
  readonly quota?: pulumi.Input<{ readonly activeTimeSeconds?: pulumi.Input<number> }>;
  readonly domains?: pulumi.Input<pulumi.Input<string>[]>;
  readonly pgSettings?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Inputs {
  projectId: string;
  quota?: { activeTimeSeconds?: number };
  domains?: string[];
  pgSettings?: Record<string, string>;
}

export type ArgumentCheckerTests = [
  Expect<Equal<ArgumentMismatches<Args, Inputs>, never>>,
  Expect<Equal<ArgumentMismatches<Args, Inputs & { name?: string }>, "name: in the schema, not documented">>,
  Expect<Equal<ArgumentMismatches<Args & { name?: pulumi.Input<string> }, Inputs>, "name: documented, not in the schema">>,
  Expect<Equal<ArgumentMismatches<Args, Omit<Inputs, "projectId"> & { projectId?: string }>, "projectId: optional in only one of the two">>,
  // Nested objects are compared field by field.
  Expect<Equal<ArgumentMismatches<Args, Omit<Inputs, "quota"> & { quota?: { activeTimeSeconds?: number; writtenDataBytes?: number } }>, "quota.writtenDataBytes: in the schema, not documented">>,
  // Values both ways, list elements included.
  Expect<Equal<ArgumentMismatches<Args, Omit<Inputs, "domains"> & { domains?: number[] }>, "domains[]: the schema accepts values the documented type does not">>,
  Expect<Equal<ArgumentMismatches<Omit<Args, "projectId"> & { projectId: pulumi.Input<string | null> }, Inputs>, "projectId: the documented type allows values the schema refuses">>,
  Expect<Equal<ArgumentMismatches<Args, Omit<Inputs, "domains"> & { domains?: string }>, "domains: a list in only one of the two">>,
  // A documented any hides everything.
  Expect<Equal<ArgumentMismatches<Omit<Args, "projectId"> & { projectId: pulumi.Input<any> }, Inputs>, "projectId: documented as any">>,
];
