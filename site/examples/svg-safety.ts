/**
 * The engine escapes every label it writes into a diagram; these checks make sure nothing but
 * drawing reaches the page anyway. At build time an SVG with anything else fails the build;
 * in the browser (where the SVG may come from the network) anything else is dropped.
 */

/** The SVG vocabulary a diagram may use: shapes, text, its own stylesheet, nothing active. */
const ELEMENTS = new Set(['svg', 'title', 'desc', 'style', 'g', 'defs', 'marker', 'rect', 'line', 'path', 'circle', 'ellipse', 'polyline', 'polygon', 'text', 'tspan'])
const ATTRIBUTE = /^(?:[a-z][a-z0-9-]*|viewBox|xmlns|markerWidth|markerHeight|refX|refY|markerUnits|preserveAspectRatio)$/
const FORBIDDEN_ATTRIBUTE = /^(?:on|href$|xlink:|src$|style$)/i

/** The first thing in `svg` that is not plain drawing, or undefined when it is all drawing. */
export function svgProblem(svg: string): string | undefined {
  if (!/^<svg[\s>]/.test(svg)) return 'does not start with <svg'
  for (const [, name, attributes] of svg.matchAll(/<([A-Za-z][\w:-]*)([^>]*)>/g)) {
    if (!ELEMENTS.has(name)) return `has a <${name}> element`
    for (const [, attribute] of attributes.matchAll(/\s([^\s=/>]+)\s*=/g)) {
      if (FORBIDDEN_ATTRIBUTE.test(attribute) || !ATTRIBUTE.test(attribute)) return `has a ${attribute}= attribute on <${name}>`
    }
  }
  if (/<!|<\?|javascript:|url\s*\(|@import/i.test(svg)) return 'has markup or CSS that loads or declares things'
  return undefined
}

/**
 * Gives every id in the diagram (and the references to them) a prefix, so that two diagrams
 * on one page, or one redrawn, never share an id.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg.replace(/\s(id|aria-labelledby|aria-describedby)="([^"]*)"/g, (_, name: string, value: string) => {
    const ids = value.split(/\s+/).filter(Boolean).map((id) => `${prefix}${id}`)
    return ` ${name}="${ids.join(' ')}"`
  })
}

/**
 * Parses an SVG in the browser and keeps only drawing: unknown elements are removed with
 * their content, unknown attributes dropped. Returns null when the text is not an SVG.
 */
export function sanitizeSvg(svgText: string, doc: Document): SVGSVGElement | null {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml')
  const root = parsed.documentElement
  if (root.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) return null
  const clean = (el: Element) => {
    for (const attribute of Array.from(el.attributes)) {
      if (FORBIDDEN_ATTRIBUTE.test(attribute.name) || !ATTRIBUTE.test(attribute.name)) el.removeAttribute(attribute.name)
    }
    for (const child of Array.from(el.children)) {
      if (!ELEMENTS.has(child.nodeName)) child.remove()
      else clean(child)
    }
  }
  clean(root)
  for (const style of Array.from(root.querySelectorAll('style'))) {
    if (/url\s*\(|@import|expression\s*\(/i.test(style.textContent ?? '')) style.remove()
  }
  return doc.importNode(root, true) as unknown as SVGSVGElement
}
