/**
 * What each resource does with a create that an interrupted update left pending (the state has the
 * create's inputs but no id): the object Neon made for it, claimed under the ownership rule and
 * described by the outputs a create would have given, or undefined when Neon has none. The runner
 * (runner/recovery/) calls these before the next update, outside any provider process.
 */
import type { NeonClient } from "../client/neonClient";
import * as authIntegration from "./authIntegration/lifecycle";
import * as branch from "./branch/lifecycle";
import type { UnknownOutcome } from "./common/ownership";
import * as dataApi from "./dataApi/lifecycle";
import * as endpoint from "./endpoint/lifecycle";
import * as project from "./project/lifecycle";
import * as snapshot from "./snapshot/lifecycle";

export interface RecoveredCreate {
  id: string;
  outs: Record<string, unknown>;
}

type RecoverCreate = (client: NeonClient, inputs: any, outcome: UnknownOutcome) => Promise<RecoveredCreate | undefined>;

/** By the type token Pulumi records (`pulumi-nodejs:dynamic/neon:<Type>`). */
export const recoverCreateByType: Readonly<Record<string, RecoverCreate>> = {
  "pulumi-nodejs:dynamic/neon:NeonProject": project.recoverCreate,
  "pulumi-nodejs:dynamic/neon:Branch": branch.recoverCreate,
  "pulumi-nodejs:dynamic/neon:Endpoint": endpoint.recoverCreate,
  "pulumi-nodejs:dynamic/neon:Snapshot": snapshot.recoverCreate,
  "pulumi-nodejs:dynamic/neon:AuthIntegration": authIntegration.recoverCreate,
  "pulumi-nodejs:dynamic/neon:DataApi": dataApi.recoverCreate,
};
