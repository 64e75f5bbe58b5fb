import type { Ledger } from "./ledger";
export async function evictionsPhase(ledger: Ledger, _opts: { evictions: number; alarms: number }): Promise<Record<string, unknown>> {
  ledger.holds("evictions", "implemented", false);
  return {};
}
