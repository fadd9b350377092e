import type { D1Migration } from "cloudflare:test";
import type { Env as FolioEnv } from "../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends FolioEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../worker/index");
      durableNamespaces: "RateLimiter" | "PublicationHub";
    }
  }
}
