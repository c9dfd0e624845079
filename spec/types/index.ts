/**
 * Neon's API as TypeScript types, read from the generated `./generated.ts` (tools/specTypes.ts runs
 * openapi-typescript on `spec/neon-openapi-v2.json` at build time). The client and the local Neon
 * API take their request and response shapes from here, or check their own against them with
 * `Conforms` below, so a field renamed in Neon's spec fails the build in both instead of drifting.
 *
 * Everything here is a type: nothing of it exists at run time.
 */
import type { components, operations } from "./generated";

export type NeonSchemas = components["schemas"];
/** A component schema of Neon's spec, by name (`NeonSchema<"Endpoint">`). */
export type NeonSchema<Name extends keyof NeonSchemas> = NeonSchemas[Name];
export type NeonOperationId = keyof operations;

type JsonContent<Part> = Part extends { readonly content: { readonly "application/json": infer Body } } ? Body : never;

/**
 * Where the vendored spec lags Neon's API reference: fields Neon documents and accepts that the
 * copy in `spec/` predates. Declared once here, so the client that sends them and the local Neon
 * API that reads them agree, and nothing else is let past the spec.
 */
interface RequestBodyExtensions {
  /** `expires_at` (RFC 3339, or null to remove the expiry): Neon's API reference, "Update snapshot". */
  updateSnapshot: { readonly snapshot: { readonly expires_at?: string | null } };
}

/** The JSON request body of an operation (by its `operationId` in the spec), with its documented extensions. */
export type NeonRequestBody<Op extends NeonOperationId> = JsonContent<NonNullable<operations[Op]["requestBody"]>> &
  (Op extends keyof RequestBodyExtensions ? RequestBodyExtensions[Op] : unknown);
/** The query parameters of an operation. */
export type NeonQuery<Op extends NeonOperationId> = NonNullable<operations[Op]["parameters"]["query"]>;
/** The JSON bodies of an operation's successful (2xx) answers, as one union. */
export type NeonSuccessBody<Op extends NeonOperationId> = {
  [Status in keyof operations[Op]["responses"]]: Status extends 200 | 201 | 202 ? JsonContent<operations[Op]["responses"][Status]> : never;
}[keyof operations[Op]["responses"]];

// ---- Checking a hand-written shape against the spec ----------------------------------------
// The client's zod schemas are hand-written on purpose (they are lenient where Neon adds states or
// fields, strict where the providers rely on a field), and so are the local Neon API's request
// validators (they carry Neon's limits, which types cannot). What must not be hand-copied is the
// set of names and which of them are required: `Conforms` compares those with the spec.

/** A value's object shape: arrays stand for their elements; null and undefined say nothing here. */
type Shape<T> = Exclude<T, null | undefined> extends infer V ? (V extends readonly (infer Element)[] ? Exclude<Element, null | undefined> : V) : never;
/** Whether some member of a value's type is a list, and whether some is not (null and undefined aside). */
type HasList<T> = [Extract<Exclude<T, null | undefined>, readonly unknown[]>] extends [never] ? false : true;
type HasSingle<T> = [Exclude<T, null | undefined | readonly unknown[]>] extends [never] ? false : true;
type ListElement<T> = Extract<T, readonly unknown[]> extends readonly (infer Element)[] ? Element : never;
/** An object's fields written by name, without its index signature (a zod `looseObject` has both). */
type NamedPart<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** A free-form object (a map, `unknown`, an empty `Record<string, never>`): its keys are data, not fields. */
type IsFreeForm<T> = unknown extends T ? true : T extends object ? (string extends keyof T ? ([keyof NamedPart<T>] extends [never] ? true : false) : false) : false;
/** The keys of every member of a union (a spec `oneOf`), not only those all members share. */
type KeysOfAny<T> = T extends unknown ? keyof T : never;
type FieldOfAny<T, Key extends PropertyKey> = T extends unknown ? (Key extends keyof T ? T[Key] : never) : never;
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type RequiredKeys<T> = Exclude<keyof T, OptionalKeys<T>>;
/** Keys required by every member of a union. */
type RequiredInAll<T> = [T] extends [unknown] ? (T extends unknown ? (k: RequiredKeys<T>) => void : never) extends (k: infer Common) => void ? Common : never : never;
type Join<At extends string, Key extends string> = At extends "" ? Key : `${At}.${Key}`;
type Here<At extends string> = At extends "" ? "(the body)" : At;

/**
 * Where `Ours` departs from `Spec`, as messages naming each field by its dotted path (never when it
 * does not). Both ways, every field of Ours must be one the spec declares, a list where the spec
 * has a list, and each member of a union of Ours is checked on its own.
 * - `"reads"`: Ours parses what the spec describes (the client reading Neon's answers, the local
 *   Neon API reading requests), so it requires a field only where the spec does and accepts every
 *   value the spec allows (of the right kind: it may refuse some, as Neon does).
 * - `"writes"`: Ours produces what the spec describes (the client's requests, the local Neon API's
 *   answers), so it has every field the spec requires, with values the spec allows, null only
 *   where the spec allows null.
 */
export type Mismatches<Ours, Spec, Direction extends "reads" | "writes", At extends string = ""> = unknown extends Spec
  ? never
  : unknown extends Ours
    ? never
    :
        | ListMismatch<Ours, Spec, Direction, At>
        | NullMismatch<Ours, Spec, Direction, At>
        | NullMismatch<ListElement<Ours>, ListElement<Spec>, Direction, `${Here<At>}[]`>
        | ShapeMismatches<Shape<Ours>, Shape<Spec>, Direction, At>;

/**
 * A list against a single value. A reader must take each form the spec allows (it may take more:
 * a lenient reader of `string | string[]`); a writer must write only forms the spec allows.
 */
type ListMismatch<Ours, Spec, Direction extends "reads" | "writes", At extends string> = Direction extends "reads"
  ? (HasList<Spec> extends true ? HasList<Ours> : true) extends true
    ? (HasSingle<Spec> extends true ? HasSingle<Ours> : true) extends true
      ? never
      : `${Here<At>}: a list here, a single value in Neon's spec`
    : `${Here<At>}: a single value here, a list in Neon's spec`
  : (HasList<Ours> extends true ? HasList<Spec> : true) extends true
    ? (HasSingle<Ours> extends true ? HasSingle<Spec> : true) extends true
      ? never
      : `${Here<At>}: a single value here, a list in Neon's spec`
    : `${Here<At>}: a list here, a single value in Neon's spec`;

type NullMismatch<Ours, Spec, Direction extends "reads" | "writes", At extends string> = Direction extends "writes"
  ? unknown extends Ours
    ? never
    : null extends Ours
      ? null extends Spec
        ? never
        : `${Here<At>}: may be null here, never in Neon's spec`
      : never
  : never;

type ShapeMismatches<O, S, Direction extends "reads" | "writes", At extends string> =
  IsFreeForm<O> extends true
    ? never
    : [O] extends [object]
      ? IsFreeForm<S> extends true
        ? never
        : [S] extends [object]
          ? EachMember<O, S, Direction, At>
          : `${Here<At>}: an object here, not in Neon's spec`
      : [S] extends [object]
        ? `${Here<At>}: not an object here, an object in Neon's spec`
        : LeafMismatch<O, S, Direction, At>;

/** Each member of a union of ours on its own: every variant we read or write must be the spec's. */
type EachMember<O, S, Direction extends "reads" | "writes", At extends string> = O extends unknown ? ObjectMismatches<NamedPart<O>, S, Direction, At> : never;

type ObjectMismatches<O, S, Direction extends "reads" | "writes", At extends string> =
  | {
      [K in keyof O & string]-?: K extends KeysOfAny<S>
        ?
            | (Direction extends "reads" ? (K extends RequiredKeys<O> ? (K extends RequiredInAll<S> ? never : `${Join<At, K>}: required here, optional in Neon's spec`) : never) : never)
            | Mismatches<O[K], FieldOfAny<S, K>, Direction, Join<At, K>>
        : `${Join<At, K>}: not in Neon's spec`;
    }[keyof O & string]
  | (Direction extends "writes"
      ? { [K in RequiredInAll<NamedParts<S>> & string]: K extends RequiredKeys<O> ? never : `${Join<At, K>}: required by Neon's spec, not here` }[RequiredInAll<NamedParts<S>> & string]
      : never);

/** The named part of each member of a union (a spec object may allow other fields besides its own). */
type NamedParts<T> = T extends unknown ? NamedPart<T> : never;

/**
 * A value's kind: literals widen to their primitive. A reader may accept fewer values of the right
 * kind than the spec (the local Neon API refuses what Neon refuses, such as an unknown provisioner;
 * types cannot say "1–400" either), but never a value of another kind.
 */
type Kind<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

type LeafMismatch<O, S, Direction extends "reads" | "writes", At extends string> = Direction extends "reads"
  ? [Kind<S>] extends [Kind<O>]
    ? never
    : `${Here<At>}: does not accept every value Neon's spec allows`
  : [O] extends [S]
    ? never
    : `${Here<At>}: allows values Neon's spec does not`;

/**
 * `true` when `Ours` conforms to `Spec`; otherwise the mismatches, which `CheckedAgainstSpec`
 * turns into a compile error that names them:
 * `type _ = CheckedAgainstSpec<[Conforms<z.input<typeof endpointSchema>, NeonSchema<"Endpoint">, "reads">]>;`
 */
export type Conforms<Ours, Spec, Direction extends "reads" | "writes"> = [Exclude<Spec, null | undefined>] extends [never]
  ? "Neon's spec describes no such body"
  : [Mismatches<Ours, Spec, Direction>] extends [never]
    ? true
    : Mismatches<Ours, Spec, Direction>;
export type CheckedAgainstSpec<Results extends readonly true[]> = Results;
