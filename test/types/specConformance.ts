/**
 * Compile-time tests of `Conforms`/`Mismatches` (spec/types): `npm run build` type-checks this file,
 * so a checker that stops finding a kind of mismatch, or starts finding one that is not, fails the
 * build. Nothing here runs. The shapes are small stand-ins for Neon's; the checker's use on the
 * real spec is tried by test/package/specDrift.test.ts.
 */
import type { Conforms, Mismatches } from "../../spec/types";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

interface SpecEndpoint {
  readonly host: string;
  readonly type: "read_write" | "read_only";
  readonly name?: string;
  readonly settings?: { readonly pg_settings?: { readonly [key: string]: string } };
  readonly tags?: readonly { readonly key: string; readonly value?: string }[];
  readonly expires_at?: string | null;
}

export type CheckerTests = [
  // Reading (a client parsing answers, a server reading requests).
  Expect<Equal<Conforms<{ host: string; name?: string }, SpecEndpoint, "reads">, true>>,
  Expect<Equal<Mismatches<{ hostname: string }, SpecEndpoint, "reads">, "hostname: not in Neon's spec">>,
  Expect<Equal<Mismatches<{ name: string }, SpecEndpoint, "reads">, "name: required here, optional in Neon's spec">>,
  Expect<Equal<Mismatches<{ host: number }, SpecEndpoint, "reads">, "host: does not accept every value Neon's spec allows">>,
  // A reader may accept fewer values of the right kind (an enum where the spec says string).
  Expect<Equal<Conforms<{ type: "read_write" }, { type: string }, "reads">, true>>,
  // Nested objects and arrays are followed; maps are data, not fields.
  Expect<Equal<Mismatches<{ tags?: { key: string; val?: string }[] }, SpecEndpoint, "reads">, "tags.val: not in Neon's spec">>,
  Expect<Equal<Conforms<{ settings?: { pg_settings?: Record<string, string> } }, SpecEndpoint, "reads">, true>>,
  // null says nothing about shape (the client drops nulls before parsing).
  Expect<Equal<Conforms<{ expires_at?: string }, SpecEndpoint, "reads">, true>>,

  // Writing (a client's requests, a server's answers).
  Expect<Equal<Conforms<{ host: string; type: "read_only" }, SpecEndpoint, "writes">, true>>,
  Expect<Equal<Mismatches<{ type: "read_only" }, SpecEndpoint, "writes">, "host: required by Neon's spec, not here">>,
  Expect<Equal<Mismatches<{ host: string; type: string }, SpecEndpoint, "writes">, "type: allows values Neon's spec does not">>,
  Expect<Equal<Mismatches<{ host: string; type: "read_only"; extra: 1 }, SpecEndpoint, "writes">, "extra: not in Neon's spec">>,

  // An object with an index signature as well as named fields (a zod looseObject): the named ones are compared.
  Expect<Equal<Mismatches<{ [key: string]: unknown; nmae?: string }, SpecEndpoint, "reads">, "nmae: not in Neon's spec">>,
  // A list where the spec has one value, and the other way round.
  Expect<Equal<Mismatches<{ host: string[] }, SpecEndpoint, "reads">, "host: a list here, a single value in Neon's spec">>,
  Expect<Equal<Mismatches<{ tags?: { key: string } }, SpecEndpoint, "reads">, "tags: a single value here, a list in Neon's spec">>,
  // A lenient reader may take a single value or a list; a writer may not write either.
  Expect<Equal<Conforms<{ host: string | string[] }, SpecEndpoint, "reads">, true>>,
  Expect<Equal<Mismatches<{ host: string | string[]; type: "read_only" }, SpecEndpoint, "writes">, "host: a list here, a single value in Neon's spec">>,
  // A field of ours that takes anything takes what the spec has.
  Expect<Equal<Conforms<{ tags?: unknown }, SpecEndpoint, "reads">, true>>,
  // A spec object that allows other fields besides its own: its own required ones are still required.
  Expect<Equal<Mismatches<{ id: string }, { readonly id: string; readonly name: string; readonly [key: string]: unknown }, "writes">, "name: required by Neon's spec, not here">>,
  Expect<Equal<Conforms<{ id: string; name: string; extra: 1 }, { readonly id: string; readonly name: string; readonly [key: string]: unknown }, "writes">, true>>,
  // Null inside a list written where the spec's list never holds null.
  Expect<Equal<Mismatches<{ host: string; type: "read_only"; tags: ({ key: string } | null)[] }, SpecEndpoint, "writes">, "tags[]: may be null here, never in Neon's spec">>,
  // Each member of a union of ours is checked, not only the fields all members share.
  Expect<Equal<Mismatches<{ host: string } | { host: string; pasword: string }, SpecEndpoint, "reads">, "pasword: not in Neon's spec">>,
  // Writing null where the spec never has it.
  Expect<Equal<Mismatches<{ host: string; type: "read_only"; name: string | null }, SpecEndpoint, "writes">, "name: may be null here, never in Neon's spec">>,
  Expect<Equal<Conforms<{ host: string; type: "read_only"; expires_at: string | null }, SpecEndpoint, "writes">, true>>,

  // A body the spec does not have is never vacuously conforming.
  Expect<Equal<Conforms<{ a: 1 }, never, "reads">, "Neon's spec describes no such body">>,
];
