/**
 * Stands in for Starlight's <starlight-toc> script (astro.config.mjs points its import here):
 * the same element, which marks the link of the section being read, and the same export, which
 * Starlight's mobile table of contents extends. Starlight's finds every block of the page with
 * :has() selectors and watches each one; on a chapter with twenty examples that lookup alone takes
 * tens of milliseconds (four times as long on a slow phone). This one reads where the headings
 * are, once per scrolled frame.
 */
export class StarlightTOC extends HTMLElement {
  _current = this.querySelector<HTMLAnchorElement>('a[aria-current="true"]')

  set current(link: HTMLAnchorElement) {
    if (link === this._current) return
    this._current?.removeAttribute('aria-current')
    link.setAttribute('aria-current', 'true')
    this._current = link
  }

  constructor() {
    super()
    ;(window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 1)))(() => this.init())
  }

  init() {
    const links = [...this.querySelectorAll('a')]
    const headings = links.map((link) => document.getElementById(decodeURIComponent(link.hash.slice(1))))
    let frame = 0
    const update = () => {
      frame = 0
      // Where Starlight reads from: below the header (and the mobile table of contents).
      const line =
        (document.querySelector('header')?.getBoundingClientRect().height ?? 0) +
        (this.querySelector('summary')?.getBoundingClientRect().height ?? 0) +
        32 + 53
      // The section being read is the last heading above that line; before any, the page title.
      let index = 0
      headings.forEach((heading, i) => {
        if (heading && heading.getBoundingClientRect().top < line) index = i
      })
      if (links[index]) this.current = links[index]
    }
    addEventListener('scroll', () => (frame ||= requestAnimationFrame(update)), { passive: true })
    addEventListener('resize', () => (frame ||= requestAnimationFrame(update)), { passive: true })
    update()
  }
}

customElements.define('starlight-toc', StarlightTOC)
