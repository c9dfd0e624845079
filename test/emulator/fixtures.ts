/**
 * Small helpers shared by the emulator suites: creating the objects most tests start from and
 * capturing the state to prove a refused request changed nothing. They go through the public API
 * (and `call`), so every exchange is still checked against the OpenAPI document.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import type { NeonLocal } from "../../emulator";
import { call, startTestNeon } from "../support/neonLocal";

export const sponsoredOrgId = "org-agent-sponsored-10000001";
export const paidOrgId = "org-agent-paid-10000002";

/** Creates a project (201 expected) and returns the CreatedProject body. */
export async function createProject(neon: NeonLocal, project: Record<string, unknown> = {}): Promise<any> {
  const res = await call(neon, "POST", "/projects", { project });
  assert.equal(res.status, 201, `createProject: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A local Neon API holding one new project, for suites about what lives on its default branch
 * (roles, databases, Neon Auth, the Data API): the CreatedProject body and that branch's path.
 */
export async function startNeonWithProject(): Promise<{ neon: NeonLocal; created: any; branchPath: string }> {
  const neon = await startTestNeon();
  const created = await createProject(neon);
  return { neon, created, branchPath: `/projects/${created.project.id}/branches/${created.branch.id}` };
}

/** Creates a branch (201 expected) and returns the CreatedBranch body. */
export async function createBranch(neon: NeonLocal, projectId: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await call(neon, "POST", `/projects/${projectId}/branches`, body);
  assert.equal(res.status, 201, `createProjectBranch: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The whole emulator state as text, to compare before and after a request that must change nothing. */
export function stateText(neon: NeonLocal): string {
  return JSON.stringify(neon.state());
}

/** Asserts a Neon error body and that its message mentions every fragment given (e.g. the field). */
export function assertError(res: { status: number; body: any }, status: number, ...mentions: string[]): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body?.code, "string");
  assert.equal(typeof res.body?.message, "string");
  for (const m of mentions) assert.ok(res.body.message.includes(m), `message ${JSON.stringify(res.body.message)} should mention ${JSON.stringify(m)}`);
}

/**
 * A request as a hostile client sends it: the path exactly as given (Node's client resolves no dot
 * segments, unlike fetch), with the development key, and a body always framed by its length (Node's
 * client would send a DELETE body unannounced). `body` is the answer's JSON when it is JSON.
 */
export function rawRequest(neon: NeonLocal, method: string, path: string, body?: string): Promise<{ status: number; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${neon.apiKey}` };
    if (body !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
    const req = request({ host: "127.0.0.1", port: neon.port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, text, body: json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Raw bytes on a socket (malformed or truncated HTTP), and whatever comes back before the server closes it. */
export function rawBytes(neon: NeonLocal, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(neon.port, "127.0.0.1", () => socket.end(bytes));
    let text = "";
    socket.setEncoding("utf8").on("data", (c: string) => (text += c));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
}
