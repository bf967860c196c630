// The part of autocannon's API that run-api.ts uses (the package ships no types).
declare module 'autocannon' {
  export interface Options {
    url: string
    method?: string
    headers?: Record<string, string>
    body?: string
    idReplacement?: boolean
    connections?: number
    duration?: number
    maxOverallRequests?: number
    timeout?: number
    verifyBody?: (body: string) => boolean
  }
  export interface Histogram {
    average: number
    p50: number
    p90: number
    p97_5: number
    p99: number
    max: number
  }
  export interface Result {
    requests: Histogram & { total: number; sent: number }
    latency: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
