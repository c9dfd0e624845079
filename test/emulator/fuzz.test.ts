/**
 * A seeded fuzz of the local Neon API: every route, with real and hostile ids (dot segments, NUL,
 * broken percent-encoding, very long, non-ASCII), and bodies that are malformed JSON, the right
 * shape with wrong types, huge or ill-formed strings, or truncated on the wire. Whatever comes in:
 * no 5xx, every 4xx carries Neon's JSON error body, a refused request changes nothing, and the
 * server keeps serving. The seed is fixed (FUZZ_SEED=<n> explores others) and printed on failure.
 */
import assert from "node:assert/strict";
import type { NeonLocal } from "../../emulator";
import { routes } from "../../emulator/handlers";
import { call, startTestNeon } from "../support/neonLocal";
import { createBranch, createProject, rawBytes, rawRequest, stateText } from "./fixtures";

const seed = Number(process.env.FUZZ_SEED ?? 20261129);
const rounds = Number(process.env.FUZZ_ROUNDS ?? 1200);

/** mulberry32: small, seedable, good enough to pick cases. */
function prng(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  method: string;
  path: string;
  body?: string;
}

/** Headers promising more body than is sent, then the write side closed: a truncated request. */
function truncatedRequest(neon: NeonLocal, path: string, body: string): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${neon.apiKey}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body) + 50}\r\n\r\n${body}`
  );
}

describe(`local Neon API under a seeded fuzz (seed ${seed}, ${rounds} requests)`, function () {
  this.timeout(120_000);
  let neon: NeonLocal;
  const ids: Record<string, string[]> = {};

  before(async () => {
    neon = await startTestNeon();
    const created = await createProject(neon, { name: "fuzzed" });
    const branch = await createBranch(neon, created.project.id, { branch: { name: "dev" }, endpoints: [{ type: "read_write" }] });
    ids.project_id = [created.project.id];
    ids.branch_id = [created.branch.id, branch.branch.id];
    ids.endpoint_id = [created.endpoints[0].id, branch.endpoints[0].id];
    ids.role_name = ["neondb_owner"];
    ids.database_name = ["neondb"];
    ids.org_id = ids.source_org_id = ["org-agent-sponsored-10000001", "org-agent-paid-10000002"];
    ids.operation_id = [created.operations[0].id];
    const snapshot = await call(neon, "POST", `/projects/${created.project.id}/branches/${created.branch.id}/snapshot?name=s`);
    ids.snapshot_id = [snapshot.body.snapshot.id];
    ids.oauth_provider_id = ["google", "github"];
  });
  after(() => neon.close());

  it("answers every request without a 5xx; every 4xx has Neon's error body and changes nothing", async () => {
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const hostileSegments = ["..", ".", "%2e%2e", "%2E", ".%2e", "%00", "a%00b", "%ZZ", "%", "x".repeat(3000), "%F0%9F%98%80", "%ED%A0%80", "%c3%28", "__proto__", "constructor", "-", "UPPER", "%20"];
    const hostileStrings: unknown[] = ["", "\ud800", "a\u0000b", "x".repeat(200_000), "%2e%2e", "😀".repeat(50), "\u202e", "<script>", "../..", "0/ZZZ", "2026-13-45T99:99:99Z"];
    const hostileValues: unknown[] = [null, 0, -1, 1e308, 3.5, true, [], {}, [1, 2], { nested: { deeper: [null] } }, ...hostileStrings];
    const bodies = [
      () => "{",
      () => '{"project": ',
      () => "[1,2,",
      () => "\u0000",
      () => '{"a":1}garbage',
      () => JSON.stringify(pick(hostileValues)),
      () => JSON.stringify({ [pick(["project", "branch", "endpoint", "role", "database", "snapshot", "settings", "auth_provider", "domain"])]: pick(hostileValues) }),
      () => JSON.stringify({ project: { name: pick(hostileStrings), region_id: pick(hostileValues), pg_version: pick(hostileValues), settings: pick(hostileValues) } }),
      () => JSON.stringify({ branch: { name: pick(hostileStrings), parent_id: pick(hostileValues), parent_lsn: pick(hostileValues) }, endpoints: pick(hostileValues) }),
      () => JSON.stringify({ endpoint: { branch_id: pick(hostileValues), type: pick(hostileValues), autoscaling_limit_min_cu: pick(hostileValues), settings: pick(hostileValues) } }),
      () => JSON.stringify({ role: { name: pick(hostileStrings) }, database: { name: pick(hostileStrings), owner_name: pick(hostileStrings) } }),
      () => "{".repeat(5000) + "}".repeat(5000),
      () => JSON.stringify({ deep: JSON.parse("[".repeat(200) + "]".repeat(200)) }),
    ];
    const failures: string[] = [];
    for (let round = 0; round < rounds && failures.length < 5; round++) {
      const route = pick(routes);
      const path =
        "/api/v2" +
        route.path.replace(/\{(\w+)\}/g, (_, name: string) => (random() < 0.55 && ids[name] ? encodeURIComponent(pick(ids[name])) : pick(hostileSegments))) +
        (random() < 0.3 ? `?${pick(["limit=-1", "limit=abc", "cursor=%ZZ", "search=%00", "name=%ED%A0%80", "lsn=x", "timestamp=nope", "limit=99999999999"])}` : "");
      const hasBody = route.method !== "GET" && route.method !== "DELETE" ? random() < 0.9 : random() < 0.1;
      const sent: Sent = { method: route.method, path, ...(hasBody ? { body: pick(bodies)() } : {}) };
      const before = stateText(neon);
      const { status, text } = await rawRequest(neon, sent.method, sent.path, sent.body);
      const describe = () => `${sent.method} ${sent.path.slice(0, 200)} ${sent.body?.slice(0, 200) ?? ""} → ${status} ${text.slice(0, 300)}`;
      if (status >= 500) {
        failures.push(`5xx: ${describe()}`);
        continue;
      }
      if (status >= 400) {
        let body: { code?: unknown; message?: unknown } | undefined;
        try {
          body = JSON.parse(text);
        } catch {
          // reported below
        }
        if (typeof body?.code !== "string" || typeof body?.message !== "string") failures.push(`no Neon error body: ${describe()}`);
        else if (stateText(neon) !== before) failures.push(`a refused request changed the state: ${describe()}`);
      }
    }
    assert.deepEqual(failures, [], `seed ${seed} (FUZZ_SEED=${seed} to reproduce):\n${failures.join("\n")}`);
  });

  it("answers a request followed by unframed bytes with that request's own answer, then closes", async () => {
    const created = await createProject(neon, { name: "unframed" });
    const answer = await rawBytes(neon, `GET /api/v2/projects/${created.project.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${neon.apiKey}\r\n\r\n{"garbage": true}`);
    assert.match(answer, /^HTTP\/1\.1 200 /, answer.slice(0, 200));
    assert.ok(answer.includes(created.project.id));
    assert.doesNotMatch(answer, /malformed HTTP request/);
  });

  it("answers truncated bodies without a 5xx and keeps serving", async () => {
    const random = prng(seed + 1);
    for (let i = 0; i < 30; i++) {
      const route = routes.filter((r) => r.method === "POST")[Math.floor(random() * routes.filter((r) => r.method === "POST").length)];
      const path = "/api/v2" + route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name]?.[0] ?? "x"));
      const before = stateText(neon);
      const response = await rawBytes(neon, truncatedRequest(neon, path, '{"project": {"name": "tru'));
      assert.match(response, /^HTTP\/1\.1 4\d\d /, `${path}: ${response.slice(0, 200)}`);
      const body = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));
      assert.equal(typeof body.code, "string", `${path}: Neon's error body`);
      assert.equal(stateText(neon), before, `${path}: a truncated request changed the state`);
    }
    assert.equal((await call(neon, "GET", "/projects")).status, 200, "still serving");
  });
});
