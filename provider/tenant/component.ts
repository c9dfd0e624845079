/**
 * One tenant's Neon environment as a Pulumi component (`neon:tenant:TenantEnvironment`): a project
 * in its tier's organization with the tier's compute range, quotas and history, checkpoints by
 * name with the active branch on the one named active, Neon Auth and the Data API when asked for,
 * and preview branches with their own computes. Everything is a child of the component.
 *
 * A paid tenant is protected as a whole: the component carries `protect`, which its children
 * inherit, so `pulumi destroy` refuses the project, its checkpoints, Neon Auth and the Data API
 * before deleting any of them. Preview branches are never protected: they are meant to come and go.
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration } from "../resources/authIntegration/resource";
import { Branch } from "../resources/branch/resource";
import { DataApi } from "../resources/dataApi/resource";
import { Endpoint } from "../resources/endpoint/resource";
import { NeonProject } from "../resources/project/resource";
import { Snapshot } from "../resources/snapshot/resource";
import { connectionUri, tenantPlan, type TenantPlan } from "./plan";
import { parseTenantSpec, type TenantSpec } from "./spec";
import type { TenantOrganizations } from "./tiers";

export const tenantEnvironmentType = "neon:tenant:TenantEnvironment";

export interface TenantEnvironmentArgs {
  /** The tenant's spec (validated here: a bad one throws before anything is registered). */
  readonly spec: unknown;
  /** The platform's organization ids by role (`sponsored`, `paid`). */
  readonly organizations: TenantOrganizations;
  /** How the spec's keys are named where it came from, for error messages (e.g. `tenant:`). */
  readonly keyPrefix?: string;
}

export class TenantEnvironment extends pulumi.ComponentResource {
  /** The validated spec, defaults filled in. */
  readonly spec: TenantSpec;
  readonly projectId: pulumi.Output<string>;
  /** The organization the tenant's tier puts it in. */
  readonly organizationId: string;
  /** `postgresql://…` to the active branch (secret). Stays the same across tier moves and restores. */
  readonly databaseUrl: pulumi.Output<string>;
  /** The same through Neon's connection pooler (secret). */
  readonly pooledDatabaseUrl: pulumi.Output<string>;
  readonly computeHost: pulumi.Output<string>;
  /** The Data API's URL (undefined when the Data API is off). */
  readonly dataApiUrl: pulumi.Output<string | undefined>;
  /** Neon Auth's JWKS URL, publishable client key and server key (keys secret; undefined when auth is off). */
  readonly authJwksUrl: pulumi.Output<string | undefined>;
  readonly authPublishableKey: pulumi.Output<string | undefined>;
  readonly authSecretServerKey: pulumi.Output<string | undefined>;
  /** Snapshot ids by checkpoint name. */
  readonly checkpointIds: pulumi.Output<Record<string, string>>;
  /** Connection URIs of the preview branches by name (secret). */
  readonly previewBranchUris: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: TenantEnvironmentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const prepared = prepare(args, opts);
    super(tenantEnvironmentType, name, {}, prepared.opts);
    const { spec, plan } = prepared;
    this.spec = spec;
    this.organizationId = plan.organizationId;
    const child = { parent: this };

    const project = new NeonProject("project", { ...plan.project }, child);
    this.projectId = project.projectId;
    this.databaseUrl = project.connectionUri;
    this.pooledDatabaseUrl = project.pooledConnectionUri;
    this.computeHost = project.host;

    const checkpoints = plan.checkpoints.map(
      (c) => [c.checkpoint, new Snapshot(c.resourceName, { projectId: project.projectId, name: c.name, restoreDefaultBranch: c.restoreDefaultBranch }, child)] as const,
    );
    const snapshotOf = new Map(checkpoints);
    this.checkpointIds = pulumi.output(Object.fromEntries(checkpoints.map(([n, s]) => [n, s.snapshotId])));

    const auth = plan.auth ? new AuthIntegration("auth", { projectId: project.projectId, ...plan.auth }, child) : undefined;
    this.authJwksUrl = auth ? auth.jwksUrl : pulumi.output(undefined);
    this.authPublishableKey = auth ? auth.pubClientKey : pulumi.output(undefined);
    this.authSecretServerKey = auth ? auth.secretServerKey : pulumi.output(undefined);
    const dataApi = plan.dataApi
      ? new DataApi("data-api", { projectId: project.projectId, ...plan.dataApi }, { ...child, dependsOn: auth ? [auth] : [] })
      : undefined;
    this.dataApiUrl = dataApi ? dataApi.url : pulumi.output(undefined);

    // Preview branches come and go with pull requests: never protected, whatever the tier.
    const disposable = { parent: this, protect: false };
    const previewUris = plan.previewBranches.map((p) => {
      const from = p.fromCheckpoint !== undefined ? snapshotOf.get(p.fromCheckpoint)!.snapshotId : undefined;
      const branch = new Branch(
        p.resourceName,
        { projectId: project.projectId, name: p.branchName, ttlSeconds: p.spec.ttlSeconds, ...(from ? { restoreFromSnapshotId: from } : {}) },
        disposable,
      );
      const compute = new Endpoint(`${p.resourceName}-compute`, { projectId: project.projectId, branchId: branch.branchId, type: "read_write", ...p.compute }, disposable);
      const uri = pulumi
        .all([project.defaultRoleName, project.password, compute.host, project.defaultDatabaseName])
        .apply(([role, password, host, database]) => connectionUri(role, password, host, database));
      return [p.spec.name, uri] as const;
    });
    this.previewBranchUris = pulumi.secret(pulumi.all(Object.fromEntries(previewUris)));

    this.registerOutputs({
      projectId: this.projectId,
      organizationId: this.organizationId,
      databaseUrl: this.databaseUrl,
      pooledDatabaseUrl: this.pooledDatabaseUrl,
      computeHost: this.computeHost,
      dataApiUrl: this.dataApiUrl,
      authJwksUrl: this.authJwksUrl,
      authPublishableKey: this.authPublishableKey,
      authSecretServerKey: this.authSecretServerKey,
      checkpointIds: this.checkpointIds,
      previewBranchUris: this.previewBranchUris,
    });
  }
}

/**
 * The spec and plan, before anything is registered (a bad spec throws here), and the options: a
 * protected tier protects the component unless the caller decided.
 */
function prepare(args: TenantEnvironmentArgs, opts: pulumi.ComponentResourceOptions): { spec: TenantSpec; plan: TenantPlan; opts: pulumi.ComponentResourceOptions } {
  const spec = parseTenantSpec(args.spec, args.keyPrefix ?? "");
  const plan = tenantPlan(spec, args.organizations);
  return { spec, plan, opts: opts.protect === undefined ? { ...opts, protect: plan.tier.protect } : opts };
}
