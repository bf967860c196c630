/**
 * The engine's version. Stored with every shared scenario so that a reopened
 * link can tell when today's engine answers differently.
 */
export const ENGINE_VERSION = '0.1.0'
