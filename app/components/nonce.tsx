import { createContext, useContext } from "react";

/** The per-request CSP nonce, so every inline script Remix writes carries it. */
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
