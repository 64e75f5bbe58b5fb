// The bindings the worker sees, as `env` from "cloudflare:test": Edgeroom's own.
import type { Env as EdgeroomEnv } from "edgeroom";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeroomEnv {}
  }
}
