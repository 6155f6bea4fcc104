/** What /health reports: each dependency's state, and what to do when one is missing. */

export type ComponentStatus = "ok" | "degraded" | "down" | "disabled";

export interface ComponentHealth {
  readonly status: ComponentStatus;
  readonly kind?: string;
  readonly message?: string;
  readonly [detail: string]: unknown;
}

export interface HealthReport {
  readonly status: "ok" | "degraded" | "down";
  readonly store: ComponentHealth;
  readonly index: ComponentHealth;
  readonly model: ComponentHealth;
  readonly [component: string]: unknown;
}

export type HealthCheck = () => Promise<ComponentHealth>;

async function safe(check: HealthCheck): Promise<ComponentHealth> {
  try {
    return await check();
  } catch (e) {
    return { status: "down", message: e instanceof Error ? e.message.split("\n")[0] : "unreachable" };
  }
}

/** Runs every check; the whole is down when the store is down, degraded when anything else is not ok. */
export async function checkHealth(checks: { store: HealthCheck; index: HealthCheck; model: HealthCheck; [k: string]: HealthCheck }): Promise<HealthReport> {
  const entries = await Promise.all(Object.entries(checks).map(async ([k, c]) => [k, await safe(c)] as const));
  const parts = Object.fromEntries(entries) as Record<string, ComponentHealth>;
  const status = parts.store.status === "down" ? "down" : Object.values(parts).some((p) => p.status === "down" || p.status === "degraded") ? "degraded" : "ok";
  return { status, ...parts } as HealthReport;
}
