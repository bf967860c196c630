import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AstroIntegration } from 'astro'

const META = /<meta http-equiv="content-security-policy" content="([^"]*)">/
const CHARSET = /<meta charset="[^"]*"\s*\/?>/
const INLINE = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1>/g

/**
 * Astro's `security.csp` hashes the scripts it bundles, but not `is:inline` ones, and Starlight
 * ships five. After the build this adds the hash of every inline <script> and <style> to its
 * page's <meta> policy, and moves that policy to the top of <head> so it covers them all.
 */
export function cspInlineHashes(): AstroIntegration {
  return {
    name: 'knet:csp-inline-hashes',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const files = await htmlFiles(fileURLToPath(dir))
        for (const file of files) {
          const html = await readFile(file, 'utf8')
          try {
            await writeFile(file, withInlineHashes(html))
          } catch (error) {
            throw new Error(`${file}: ${(error as Error).message}`)
          }
        }
        logger.info(`hashed inline scripts and styles in ${files.length} pages`)
      },
    },
  }
}

/** The page with every inline script and style allowed by hash in its (moved) <meta> policy. */
export function withInlineHashes(html: string): string {
  const meta = META.exec(html)
  if (!meta) throw new Error('no <meta> content security policy: is security.csp on?')
  const policy = parsePolicy(meta[1])
  for (const [, tag, attributes, body] of html.matchAll(INLINE)) {
    if (/\ssrc=/.test(attributes)) continue
    const directive = policy.has(`${tag}-src-elem`) ? `${tag}-src-elem` : `${tag}-src`
    const sources = policy.get(directive) ?? ["'self'"]
    const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`
    if (!sources.includes(hash)) policy.set(directive, [...sources, hash])
  }
  const moved = `<meta http-equiv="content-security-policy" content="${formatPolicy(policy)}">`
  const rest = html.replace(meta[0], '')
  const charset = CHARSET.exec(rest)
  if (!charset) return rest.replace('<head>', `<head>${moved}`)
  const at = charset.index + charset[0].length
  return rest.slice(0, at) + moved + rest.slice(at)
}

function parsePolicy(text: string) {
  const entries = text
    .split(';')
    .map((directive) => directive.trim().split(/\s+/))
    .filter(([name]) => name)
    .map(([name, ...sources]) => [name, sources] as const)
  return new Map<string, string[]>(entries)
}

function formatPolicy(policy: Map<string, string[]>) {
  return [...policy].map(([name, sources]) => [name, ...sources].join(' ')).join('; ')
}

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => join(entry.parentPath, entry.name))
}
