/**
 * SHA-256 of a UTF-8 string, as lowercase hex: Envoy Gateway hashes names with it. The
 * dataplane's implementation (one copy in the Worker's bundle, issue 20).
 */
export { sha256Hex } from '../dataplane/sha256.ts'
