/**
 * Everything a handler needs: the state, the clock, operation scheduling, and lookups that answer
 * 404/423 the way Neon does. One World per running local Neon API.
 */
import { isoSeconds, systemClock, type Clock } from "./clock";
import { apiErrors } from "./errors";
import { hasRunningOperations, scheduleOperations, settleOperations, type NewOperation, type OperationPlan } from "./operations";
import type { BranchRecord, NeonLocalState, OperationRecord, OrganizationRecord, ProjectRecord } from "./store";

export interface WorldOptions {
  clock: Clock;
  operationDelayMs: number;
  /** Domain used for compute hosts: `<endpoint>.<region>.aws.<domain>`. */
  hostDomain: string;
  nextOperationPlan: (projectId: string) => OperationPlan;
}

export class World {
  constructor(
    public state: NeonLocalState,
    readonly options: WorldOptions,
  ) {}

  /** Set by every successful mutation; the persistence layer saves and clears it. */
  dirty = false;

  /** `127.0.0.1:<port>` of the data plane's Postgres front, when computes serve real databases. */
  postgresAddress: string | undefined;

  /**
   * With the data plane on: the span of a branch's real WAL its history covers (Postgres's
   * positions, as `pg_current_wal_lsn()` reports them), once its database has run.
   */
  walHistory: ((projectId: string, branchId: string) => { first: number; last: number } | undefined) | undefined;

  /** Whether `lsn` is a position in the branch's real history (the data plane's). */
  inWalHistory(projectId: string, branchId: string, lsn: number): boolean {
    const span = this.walHistory?.(projectId, branchId);
    return span !== undefined && lsn >= span.first && lsn <= span.last;
  }

  /** Branch and endpoint ids in use or handed out since start (built on first use). */
  private issuedIds: Set<string> | undefined;

  /**
   * Claims an account-wide branch or endpoint id: false when it is already taken. A set instead of
   * a scan of every project keeps creates O(1) as projects pile up; an id is never handed out
   * twice, even after its branch or endpoint is deleted, as in Neon.
   */
  claimId(candidate: string): boolean {
    if (this.issuedIds === undefined) {
      this.issuedIds = new Set();
      for (const p of Object.values(this.state.projects)) {
        for (const id of Object.keys(p.branches)) this.issuedIds.add(id);
        for (const id of Object.keys(p.endpoints)) this.issuedIds.add(id);
      }
    }
    if (this.issuedIds.has(candidate)) return false;
    this.issuedIds.add(candidate);
    return true;
  }

  now(): number {
    return this.options.clock.now();
  }

  /** Resolves once `ms` have passed on the clock (an injected `delay` fault); on real time for a clock without `sleep`. */
  sleep(ms: number): Promise<void> {
    const clock = this.options.clock;
    return clock.sleep ? clock.sleep(ms) : systemClock.sleep(ms);
  }

  nowIso(): string {
    return isoSeconds(this.now());
  }

  /** The project, or Neon's 404. A pure lookup: time is applied by `settle`, once per request. */
  project(projectId: string): ProjectRecord {
    const record = this.state.projects[projectId];
    if (!record) throw apiErrors.notFound("project", projectId);
    return record;
  }

  /**
   * Time passing: applies the effects of the operations that have finished by now. The server does
   * it before each request for the project the path names, or for every project when it names none.
   */
  settle(projectId?: string): void {
    const records = projectId !== undefined ? [this.state.projects[projectId]].filter((r) => r !== undefined) : Object.values(this.state.projects);
    for (const record of records) settleOperations(record, this.now());
  }

  branch(record: ProjectRecord, branchId: string): BranchRecord {
    const branch = record.branches[branchId];
    if (!branch) throw apiErrors.notFound("branch", branchId);
    return branch;
  }

  organization(orgId: string): OrganizationRecord {
    const org = this.state.organizations[orgId];
    if (!org) throw apiErrors.notFound("organization", orgId);
    return org;
  }

  /** True while the project's operations run: a route that takes the project lock is then refused (423). */
  busy(projectId: string): boolean {
    const record = this.state.projects[projectId];
    return record !== undefined && hasRunningOperations(record, this.now());
  }

  schedule(record: ProjectRecord, ops: NewOperation[]): OperationRecord[] {
    return scheduleOperations(
      record,
      { operationDelayMs: this.options.operationDelayMs, now: () => this.now(), nextPlan: this.options.nextOperationPlan },
      ops,
    );
  }

  /** `<endpoint_id>.<region>.aws.neon.tech`-style host for a compute. */
  endpointHost(endpointId: string, regionId: string, pooled = false): string {
    const [cloud, ...rest] = regionId.split("-");
    const region = rest.join("-");
    return `${endpointId}${pooled ? "-pooler" : ""}.${region}.${cloud}.${this.options.hostDomain}`;
  }

  proxyHost(regionId: string): string {
    const [cloud, ...rest] = regionId.split("-");
    return `${rest.join("-")}.${cloud}.${this.options.hostDomain}`;
  }

  markDirty(): void {
    this.dirty = true;
  }
}
