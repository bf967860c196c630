/**
 * Stands in for @pagefind/default-ui where Starlight's search imports it (astro.config.mjs):
 * Starlight builds Pagefind's interface as soon as the browser is idle, which on a long chapter
 * is a long task the reader pays for without searching. This waits until the search dialog is
 * opened, then loads the real interface and builds it with Starlight's options.
 */
type Options = { element: string } & Record<string, unknown>

export class PagefindUI {
  constructor(options: Options) {
    const dialog = document.querySelector(options.element)?.closest('dialog')
    const build = async () => {
      // @ts-expect-error: Pagefind's interface ships no types.
      const { PagefindUI: Real } = await import('@pagefind/default-ui/npm_dist/mjs/ui-core.mjs')
      // Starlight focused the field when it opened the dialog, before the field existed.
      new Real({ ...options, autofocus: true })
    }
    if (!dialog || dialog.open) {
      void build()
      return
    }
    // The dialog opens from the button, Ctrl/⌘+K or anything else: watch its open attribute.
    const watcher = new MutationObserver(() => {
      if (!dialog.open) return
      watcher.disconnect()
      void build()
    })
    watcher.observe(dialog, { attributes: true, attributeFilter: ['open'] })
  }
}
