/**
 * Warnings the API server sends with a response (the Warning header), which client-go's
 * handler prints on kubectl's stderr once per process, before kubectl prints the output.
 * v1 Endpoints is deprecated since 1.33 (KEP-4974): every request for it carries this one.
 */
export const ENDPOINTS_DEPRECATED = 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n'
