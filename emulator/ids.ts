import { randomBytes, randomInt, randomUUID } from "node:crypto";

// Word lists for Neon-looking identifiers ("shiny-wind-028834", "br-small-term-683261").
const adjectives = [
  "aged", "bitter", "billowing", "blue", "bold", "broad", "calm", "cold", "cool", "crimson", "curly", "damp",
  "dark", "dawn", "delicate", "divine", "dry", "empty", "falling", "fancy", "flat", "floral", "fragrant", "frosty",
  "gentle", "green", "hidden", "holy", "icy", "jolly", "late", "lingering", "little", "lively", "long", "lucky",
  "misty", "morning", "muddy", "mute", "nameless", "noisy", "odd", "old", "orange", "patient", "plain", "polished",
  "proud", "purple", "quiet", "rapid", "raspy", "red", "restless", "rough", "round", "royal", "shiny", "shrill",
  "shy", "silent", "small", "snowy", "soft", "solitary", "sparkling", "spring", "square", "steep", "still", "summer",
  "super", "sweet", "throbbing", "tight", "tiny", "twilight", "wandering", "weathered", "white", "wild", "winter",
  "wispy", "withered", "yellow", "young",
];
const nouns = [
  "art", "band", "bar", "base", "bird", "block", "boat", "bonus", "bread", "breeze", "brook", "bush", "butterfly",
  "cake", "cell", "cherry", "cloud", "credit", "darkness", "dawn", "dew", "disk", "dream", "dust", "feather", "field",
  "fire", "firefly", "flower", "fog", "forest", "frog", "frost", "glade", "glitter", "grass", "hall", "hat", "haze",
  "heart", "hill", "king", "lab", "lake", "leaf", "limit", "math", "meadow", "mode", "moon", "morning", "mountain",
  "mouse", "mud", "night", "paper", "pine", "poetry", "pond", "queen", "rain", "recipe", "resonance", "rice", "river",
  "salad", "scene", "sea", "shadow", "shape", "silence", "sky", "smoke", "snow", "snowflake", "sound", "star", "sun",
  "sunset", "surf", "term", "thunder", "tooth", "tree", "truth", "union", "unit", "violet", "voice", "water",
  "waterfall", "wave", "wildflower", "wind", "wood",
];

function pick<T>(list: readonly T[]): T {
  return list[randomInt(list.length)];
}

function digits(n: number): string {
  return String(randomInt(10 ** n)).padStart(n, "0");
}

/** Ids are drawn at random and re-drawn on the (rare) collision, as Neon's are unique per account. */
function unique(make: () => string, taken: (id: string) => boolean): string {
  for (;;) {
    const id = make();
    if (!taken(id)) return id;
  }
}

export const newProjectId = (taken: (id: string) => boolean) =>
  unique(() => `${pick(adjectives)}-${pick(nouns)}-${digits(8)}`, taken);
export const newBranchId = (taken: (id: string) => boolean) =>
  unique(() => `br-${pick(adjectives)}-${pick(nouns)}-${digits(8)}`, taken);
export const newEndpointId = (taken: (id: string) => boolean) =>
  unique(() => `ep-${pick(adjectives)}-${pick(nouns)}-${digits(8)}`, taken);
export const newSnapshotId = (taken: (id: string) => boolean) =>
  unique(() => `snap-${pick(adjectives)}-${pick(nouns)}-${digits(8)}`, taken);
export const newOperationId = () => randomUUID();
export const newRequestId = () => randomUUID();
export const newAuthProviderProjectId = () => randomUUID();

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Neon role passwords look like `npg_` followed by 12 alphanumerics. */
export function newRolePassword(): string {
  const bytes = randomBytes(12);
  let out = "npg_";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** One-time Neon Auth keys (`pck_…` publishable, `ssk_…` secret server key). */
export function newAuthKey(prefix: "pck" | "ssk"): string {
  return `${prefix}_${randomBytes(24).toString("hex")}`;
}

/** The generated default API key for a local run when none is given: recognisable, never a real key. */
export function newDevelopmentApiKey(): string {
  return `neon-local-${randomBytes(16).toString("hex")}`;
}

/** A branch name Neon generates when none is given (e.g. for restores: `br-…` style). */
export function generatedBranchName(): string {
  return `${pick(adjectives)}-${pick(nouns)}-${digits(6)}`;
}

/** Log sequence numbers as Neon prints them: two hex halves, `0/1A2B3C4`. */
export function formatLsn(value: number): string {
  const high = Math.floor(value / 2 ** 32);
  const low = value % 2 ** 32;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

export function parseLsn(lsn: string): number | undefined {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) return undefined;
  return parseInt(m[1], 16) * 2 ** 32 + parseInt(m[2], 16);
}
