/**
 * A tiny SVG writer: every text and attribute value goes through escapeXml,
 * because labels come from the reader's manifests.
 */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

type Attrs = Record<string, string | number | undefined>

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
}

export function el(name: string, a: Attrs, children: string | string[] = ''): string {
  const inner = Array.isArray(children) ? children.join('') : children
  return inner ? `<${name}${attrs(a)}>${inner}</${name}>` : `<${name}${attrs(a)}/>`
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, escapeXml(content))
}

/** Shortens a label to fit a box, keeping its end (names differ at the end). */
export function fit(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`
}

/**
 * Colours come from CSS custom properties so the page's theme (light or dark)
 * decides them; the fallbacks are legible on white.
 */
export const STYLE = `<style>
.k-frame{fill:var(--knet-bg,#fff);stroke:none}
.k-node{fill:var(--knet-node,#f3f5f9);stroke:var(--knet-line,#8a94a6);stroke-width:1}
.k-pod{fill:var(--knet-pod,#e6f0ff);stroke:var(--knet-pod-line,#3b6fd8);stroke-width:1}
.k-pod.k-notready{fill:var(--knet-pod-off,#f6f6f6);stroke-dasharray:4 3}
.k-svc{fill:var(--knet-svc,#eaf7ee);stroke:var(--knet-svc-line,#2f8a4c);stroke-width:1}
.k-link{stroke:var(--knet-svc-line,#2f8a4c);stroke-width:1.2;fill:none}
.k-link.k-notready{stroke-dasharray:4 3;opacity:.6}
.k-net{stroke:var(--knet-line,#8a94a6);stroke-width:2}
.k-t{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;fill:var(--knet-text,#1b1f24)}
.k-h{font:600 13px system-ui,sans-serif;fill:var(--knet-text,#1b1f24)}
.k-s{font:11px ui-monospace,SFMono-Regular,Menlo,monospace;fill:var(--knet-muted,#57606a)}
</style>`
