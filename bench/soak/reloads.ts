import type { FaultStack } from "../../test/support/fault-harness";
import type { Ledger } from "./ledger";
export async function reloadsPhase(_stack: FaultStack, ledger: Ledger, _opts: { reloads: number; seed: number }): Promise<Record<string, unknown>> {
  ledger.holds("reloads", "implemented", false);
  return {};
}
