import { useMutation } from "@tanstack/react-query";
import { type KeyIdentity, useApi } from "../../../shared/api";

/** `POST /auth/validate`: resolves with the key's identity, fails with the API's message. */
export function useValidateKey() {
  const api = useApi();
  return useMutation({
    mutationFn: (apiKey: string) => api.request<KeyIdentity>("POST", "/auth/validate", { body: { apiKey } }),
  });
}
