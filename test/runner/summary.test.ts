/**
 * The PR preview summary, on engine events built by hand (the engine-driven suite renders real
 * previews): what is shown and in which order, secrets masked on both sides, no colour codes,
 * names that cannot break the Markdown, and the cuts that keep it under GitHub's limit.
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { githubCommentLimit, hasChanges, renderSummary, summaryMarker } from "../../runner/summary/render";
import { maskedValue, propertyChanges, stackPreviewFromEvents, type StackPreview } from "../../runner/summary/stackPreview";

const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
const neon = (type: string) => `pulumi-nodejs:dynamic/neon:${type}`;
let sequence = 0;

function step(op: string, type: string, name: string, old?: Record<string, unknown>, next?: Record<string, unknown>, id = `${name}-id`): EngineEvent {
  const urn = `urn:pulumi:acme::neon-tenants::neon:tenant:TenantEnvironment$${type}::${name}`;
  const state = (inputs: Record<string, unknown>) => ({ type, urn, custom: true, id, parent: "", inputs, outputs: {}, provider: "" });
  return {
    sequence: ++sequence,
    timestamp: 0,
    resourcePreEvent: {
      metadata: { op, urn, type, provider: "", ...(old ? { old: state(old) } : {}), ...(next ? { new: { ...state(next), id: "" } } : {}) },
    },
  } as unknown as EngineEvent;
}

function diagnostic(severity: string, message: string): EngineEvent {
  return { sequence: ++sequence, timestamp: 0, diagnosticEvent: { message, color: "never", severity } } as unknown as EngineEvent;
}

describe("the PR preview summary", () => {
  describe("property changes", () => {
    it("lists what differs, skips Pulumi's own __ keys, and never shows a secret on either side", () => {
      const changes = propertyChanges(
        { name: "acme", orgId: "org-a", __provider: "x", password: "plain-old", quota: { a: 1 } },
        { name: "acme", orgId: "org-b", __provider: "y", password: secret, quota: { a: 1 }, ttl: 3 },
      );
      assert.deepEqual(changes, [
        { key: "orgId", before: '"org-a"', after: '"org-b"' },
        { key: "password", before: maskedValue, after: maskedValue },
        { key: "ttl", after: "3" },
      ]);
      assert.deepEqual(propertyChanges({ nested: { deep: secret } }, { nested: "plain" }), [{ key: "nested", before: maskedValue, after: maskedValue }]);
    });
  });

  it("names the keys the engine says changed when no value differs visibly (secrets are blinded alike), masking secret ones", () => {
    const event = step("update", neon("AuthIntegration"), "auth", { clientSecret: secret, name: "x" }, { clientSecret: secret, name: "x" });
    (event.resourcePreEvent!.metadata as { diffs?: string[] }).diffs = ["clientSecret", "__provider"];
    const preview = stackPreviewFromEvents("p", "s", [event]);
    assert.deepEqual(preview.changes[0].properties, [{ key: "clientSecret", before: maskedValue, after: maskedValue }]);
  });

  describe("from engine events", () => {
    const events = [
      step("same", "pulumi:pulumi:Stack", "neon-tenants-acme"),
      step("update", "pulumi:providers:pulumi-nodejs", "default", {}, {}),
      step("same", neon("Snapshot"), "checkpoint-a", {}, {}),
      step("update", neon("NeonProject"), "project", { orgId: "org-a", name: "acme" }, { orgId: "org-b", name: "acme" }),
      step("replace", neon("NeonProject"), "other", { regionId: "aws-us-east-2" }, { regionId: "aws-eu-central-1" }),
      step("create-replacement", neon("NeonProject"), "other", { regionId: "aws-us-east-2" }, { regionId: "aws-eu-central-1" }),
      step("delete-replaced", neon("NeonProject"), "other", { regionId: "aws-us-east-2" }),
      step("delete", neon("Branch"), "preview-pr-1", { name: "preview-pr-1" }),
      step("create", neon("Branch"), "preview-pr-2", undefined, { name: "preview-pr-2", ttlSeconds: 604800 }, ""),
      diagnostic("debug", "Registering resource"),
      diagnostic("warning", "\u001b[33mUndefined value (dataApiUrl) will not show as a stack output.\u001b[0m\n"),
    ];

    it("keeps the logical steps of resources that change, counts the unchanged, and the warnings without colour codes", () => {
      const preview = stackPreviewFromEvents("neon-tenants", "acme", events);
      assert.deepEqual(preview.changes.map((c) => [c.op, c.type, c.name, c.losesData]), [
        ["update", "NeonProject", "project", false],
        ["replace", "NeonProject", "other", true],
        ["delete", "Branch", "preview-pr-1", true],
        ["create", "Branch", "preview-pr-2", false],
      ]);
      assert.equal(preview.unchanged, 1);
      assert.deepEqual(preview.diagnostics, [{ severity: "warning", message: "Undefined value (dataApiUrl) will not show as a stack output." }]);
      assert.deepEqual(preview.changes[0].properties, [{ key: "orgId", before: '"org-a"', after: '"org-b"' }]);
      assert.deepEqual(preview.changes[3].properties, [
        { key: "name", after: '"preview-pr-2"' },
        { key: "ttlSeconds", after: "604800" },
      ]);
    });

    it("renders the marker first, a count table, data loss before the other changes, and the changed properties", () => {
      const body = renderSummary([stackPreviewFromEvents("neon-tenants", "acme", events), stackPreviewFromEvents("neon-tenants", "globex", [])]);
      assert.ok(body.startsWith(`${summaryMarker}\n`));
      assert.match(body, /## Pulumi preview of 2 tenant stacks/);
      assert.match(body, /1 with changes, 1 without\./);
      assert.match(body, /\| acme \| 1 \| 1 \| 1 \| 1 \| 1 \| :warning: data loss \|/);
      assert.match(body, /\| globex \|  \|  \|  \|  \| 0 \| no changes \|/);
      const loss = body.indexOf("### :warning: Data loss: 2 deletions or replacements");
      const changes = body.indexOf("### Changes");
      assert.ok(loss > 0 && changes > loss, "data loss comes before the other changes");
      assert.match(body, /- \*\*acme\*\*: \*\*replace\*\* `NeonProject` `other` \(`other-id`\) because of `regionId`/);
      assert.match(body, /- \*\*acme\*\*: \*\*delete\*\* `Branch` `preview-pr-1`/);
      assert.match(body, /! orgId: "org-a" → "org-b"/);
      assert.match(body, /<details><summary>acme: 1 to create, 1 to update, 1 to replace, 1 to delete<\/summary>/);
      assert.doesNotMatch(body, /globex: /, "a stack without changes has no details");
      assert.doesNotMatch(body, /\u001b/);
      assert.doesNotMatch(body, /neon-tenants-acme|pulumi-nodejs::default/, "the stack and provider resources are not listed");
    });
  });

  it("escapes names that would break the Markdown or inject HTML", () => {
    const preview: StackPreview = { project: "p", stack: "a|b<script>", changes: [], unchanged: 0, diagnostics: [], failure: "error: tenant:tier: must be one of free, paid" };
    const body = renderSummary([preview]);
    assert.doesNotMatch(body, /<script>/);
    assert.match(body, /a\\\|b\\<script\\>/);
    assert.match(body, /\*\*1 failed\*\*/);
    assert.match(body, /:x: failed/);
    assert.match(body, /tenant:tier: must be one of free, paid/);
    assert.equal(hasChanges([preview]), true, "a failure is worth a comment");
    assert.equal(hasChanges([{ ...preview, failure: undefined }]), false);
  });

  describe("GitHub's length limit", () => {
    /** `stacks` stacks, each with `creates` creates carrying big properties and one replacement of a project. */
    function fleet(stacks: number, creates: number, propertySize: number): StackPreview[] {
      return Array.from({ length: stacks }, (_, s) => ({
        project: "neon-tenants",
        stack: `tenant-${String(s).padStart(4, "0")}`,
        unchanged: 3,
        diagnostics: [],
        changes: [
          { op: "replace" as const, type: "NeonProject", name: "project", id: `proj-${s}`, losesData: true, properties: [{ key: "regionId", before: '"a"', after: '"b"' }] },
          { op: "update" as const, type: "Endpoint", name: "compute", losesData: false, properties: [{ key: "size", before: "1", after: "2" }] },
          ...Array.from({ length: creates }, (_, c) => ({
            op: "create" as const,
            type: "Branch",
            name: `preview-${c}`,
            losesData: false,
            properties: [{ key: "blob", after: JSON.stringify("x".repeat(propertySize)) }],
          })),
        ],
      }));
    }

    it("keeps everything when it fits", () => {
      const body = renderSummary(fleet(3, 2, 50));
      assert.ok(body.length < githubCommentLimit);
      assert.match(body, /\+ blob:/);
      assert.doesNotMatch(body, /left out/);
    });

    it("drops the properties of creates first, then all properties, then the per-stack lists, but never the table or a data-loss row", () => {
      for (const [stacks, creates, size, expectLeftOut] of [
        [20, 10, 400, /Some property details are left out/],
        [200, 10, 400, /per-stack details are left out/],
      ] as const) {
        const previews = fleet(stacks, creates, size);
        const body = renderSummary(previews, { runUrl: "https://github.com/o/r/actions/runs/1" });
        assert.ok(body.length <= githubCommentLimit, `${body.length} characters`);
        assert.match(body, expectLeftOut);
        assert.match(body, /\[the workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/);
        for (const p of previews) {
          assert.ok(body.includes(`| ${p.stack} |`), `the table row of ${p.stack}`);
          assert.ok(body.includes(`- **${p.stack}**: **replace** \`NeonProject\` \`project\` (\`proj-`), `the data-loss row of ${p.stack}`);
        }
      }
    });

    it("cuts at the limit, and says so, only when the table and data-loss rows alone exceed it", () => {
      const body = renderSummary(fleet(1200, 0, 0), { runUrl: "https://github.com/o/r/actions/runs/1" });
      assert.ok(body.length <= githubCommentLimit, `${body.length} characters`);
      assert.match(body, /\*\*The summary is cut here: it exceeds GitHub's comment limit\.\*\* The full preview is in \[the workflow run\]/);
      assert.ok(body.startsWith(summaryMarker));
    });
  });
});
