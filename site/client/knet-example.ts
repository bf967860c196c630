/**
 * <knet-example>: the small script every page with an example ships. It runs the toolbar and
 * makes links; everything heavy (CodeMirror, the engine, the YAML parsers) is imported only
 * when the reader presses Edit (site/client/example-editor.ts).
 */
import { ENGINE_VERSION } from '../../engine/version.ts'
import { encodeScenarioFragment, MAX_FRAGMENT_CHARS, type ScenarioState } from '../examples/scenario-link.ts'
import { composeScenario } from '../examples/scenario-text.ts'
import { requestShortLink } from './short-link.ts'
import type { EditorSession, ExampleData, ExampleHost, Provenance } from './example-host.ts'

export type { EditorSession, ExampleData, Provenance } from './example-host.ts'

/** What the editor gives back once it is mounted. */



export class KnetExampleElement extends HTMLElement implements ExampleHost {
  session?: EditorSession
  /** in the playground, the chapter example its scenario came from: links made here keep it */
  provenance?: Provenance
  #data?: ExampleData
  #editing?: Promise<EditorSession>

  // A chapter has some twenty examples, upgraded while it loads: each only listens for clicks.
  // CSS shows the toolbar once the element is defined (data-knet-script in knet.css), and the
  // data is parsed when first used.
  constructor() {
    super()
    this.addEventListener('click', (event) => this.#onClick(event))
    this.addEventListener('keydown', (event) => this.#onKey(event))
    // An example whose base is shown under another one: its copy is filled when first opened.
    this.addEventListener('toggle', (event) => this.#fillBase(event), true)
  }

  #fillBase(event: Event) {
    const details = event.target as HTMLDetailsElement
    const pre = details.open ? details.querySelector<HTMLElement>('pre[data-knet-base-copy]') : null
    if (!pre) return
    const code = document.createElement('code')
    code.textContent = baseText(pre.dataset.knetBaseCopy ?? '')
    pre.replaceChildren(code)
    pre.removeAttribute('data-knet-base-copy')
  }

  get data(): ExampleData {
    if (!this.#data) {
      const data = JSON.parse(this.dataset.knet ?? '{}') as ExampleData
      // The base's text is in the page once, not in each example's data (KnetExample.astro).
      if (data.base && data.base.text === undefined) data.base.text = baseText(data.base.name)
      this.#data = data
    }
    return this.#data
  }

  /** Puts the controls of its <template data-knet-template="…"> in place (once; KnetExample.astro). */
  place(name: 'share' | 'prompt') {
    const template = this.querySelector<HTMLTemplateElement>(`template[data-knet-template="${name}"]`)
    template?.replaceWith(template.content)
  }

  /** Mounts the editor (once) and resolves with it; `initial` replaces the example's scenario. */
  edit(initial?: Pick<ScenarioState, 'scenario' | 'commands'>): Promise<EditorSession> {
    // The editor takes the place of the base's text: keep every base of the page first.
    for (const code of document.querySelectorAll<HTMLElement>('code[id^="knet-base-"]')) baseText(code.id.slice('knet-base-'.length))
    this.#editing ??= import('./example-editor.ts').then(async ({ startEditing }) => {
      this.session = await startEditing(this, initial)
      return this.session
    })
    return this.#editing
  }

  /** The state a link to this example should carry now. */
  state(): ScenarioState {
    if (this.session) return this.session.state()
    return {
      v: 1,
      engine: ENGINE_VERSION,
      scenario: composeScenario(this.data.base?.text, this.data.manifests).text,
      commands: this.data.commands,
      page: this.data.page,
      example: this.data.id,
    }
  }

  /** ↓/↑ (Home/End) on a trace diagram step through its hops. */
  #onKey(event: KeyboardEvent) {
    const target = event.target as Element
    if (!target.matches('[data-knet-diagram]') || !target.querySelector('svg [data-hop]')) return
    const step = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity }[event.key]
    if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return
    event.preventDefault()
    this.#stepHop(step)
  }

  /** Moves the current hop of the trace diagram by `by` (clamped), or to hop `to`. */
  #stepHop(by: number, to?: number) {
    const hops = [...this.querySelectorAll<SVGElement>('[data-knet-diagram] svg [data-hop]')]
    if (hops.length === 0) return
    const now = Number(this.dataset.hop ?? 0)
    const next = to ?? Math.max(1, Math.min(hops.length, now === 0 && by < 0 ? hops.length : now + (Number.isFinite(by) ? by : by > 0 ? hops.length : -hops.length)))
    this.dataset.hop = String(next)
    for (const hop of hops) hop.classList.toggle('knet-hop-current', hop.dataset.hop === String(next))
    const lines = highlightHopLines(this, next)
    const status = this.querySelector('[data-knet-hop-status]')
    if (status) status.textContent = `Hop ${next} of ${hops.length}${lines ? `: ${lines.trim().replace(/\s{2,}/g, ' · ')}` : ''}`
  }

  async #onClick(event: MouseEvent) {
    const hop = (event.target as Element).closest<SVGElement>('[data-knet-diagram] svg [data-hop]')
    if (hop && this.contains(hop)) return this.#stepHop(0, Number(hop.dataset.hop))
    const target = (event.target as Element).closest<HTMLElement>('[data-knet-action]')
    if (!target || !this.contains(target)) return
    switch (target.dataset.knetAction) {
      case 'edit': {
        target.setAttribute('aria-busy', 'true')
        const session = await this.edit()
        session.focus()
        return
      }
      case 'run':
        return this.session?.run()
      case 'reset':
        return this.session?.reset()
      case 'share':
        return this.#share()
      case 'shorten':
        return this.#shorten(target)
      case 'hop-next':
        return this.#stepHop(1)
      case 'hop-prev':
        return this.#stepHop(-1)
      case 'play':
        // The built link holds the example as written; after edits, make a new one.
        if (this.session && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
          event.preventDefault()
          location.assign(await playLink(this.state()).catch(() => target.getAttribute('href') ?? '/play/'))
        }
        return
    }
  }

  async #share() {
    this.place('share')
    let link: string
    try {
      link = await playLink(this.state())
    } catch (error) {
      // Over what a link may hold (content limits): say so rather than fail silently.
      this.#note(`No link: ${(error as Error).message}`)
      return
    }
    const input = this.querySelector<HTMLInputElement>('[data-knet-link]')!
    input.value = link
    let copied = false
    try {
      await navigator.clipboard.writeText(link)
      copied = true
    } catch {
      // No clipboard (permissions, insecure origin): the link is in the box to copy by hand.
    }
    input.focus()
    input.select()
    const long = link.length > MAX_FRAGMENT_CHARS
    this.#note(
      (copied ? 'Link copied. It holds the whole scenario, so it needs no server.' : 'Copy the link above.') +
        (long ? ' It is long: some chat apps cut such links, so a short link may travel better.' : ''),
    )
  }

  async #shorten(button: HTMLElement) {
    button.setAttribute('aria-busy', 'true')
    try {
      const id = await requestShortLink(this.state())
      const input = this.querySelector<HTMLInputElement>('[data-knet-link]')!
      input.value = new URL(`/s/${id}`, location.origin).href
      input.select()
      try {
        await navigator.clipboard.writeText(input.value)
        this.#note('Short link copied. It is stored on the server.')
      } catch {
        this.#note('Short link ready: copy it above. It is stored on the server.')
      }
    } catch (error) {
      this.#note(`No short link: ${(error as Error).message}. The long link above still works.`)
    } finally {
      button.removeAttribute('aria-busy')
    }
  }

  #note(text: string) {
    const note = this.querySelector('[data-knet-share-note]')
    if (note) note.textContent = text
  }
}

/**
 * Lights up hop `n` of the last trace in the terminal: its header line (`  6  node-3 nat …`) and
 * the lines under it, up to the next hop. The output is split into one span per line the first
 * time (the text stays the same). Returns the hop's header line, or '' when it is not found.
 */
function highlightHopLines(host: HTMLElement, n: number): string {
  const blocks = [...host.querySelectorAll<HTMLElement>('[data-knet-results] .knet-command')]
  const block = blocks.reverse().find((b) => /(^|\s)trace(\s|$)/.test(b.querySelector('.knet-command__line code')?.textContent ?? ''))
  const out = block?.querySelector<HTMLElement>('.knet-command__out')
  if (!out) return ''
  if (!out.querySelector('.knet-line')) {
    const text = out.textContent ?? ''
    out.replaceChildren(
      ...text.split(/(?<=\n)/).map((line) => {
        const span = document.createElement('span')
        span.className = 'knet-line'
        span.textContent = line
        return span
      }),
    )
  }
  const lines = [...out.querySelectorAll<HTMLElement>('.knet-line')]
  const header = /^\s{0,3}(\d+)\s{2}/
  const start = lines.findIndex((l) => Number(header.exec(l.textContent ?? '')?.[1]) === n)
  let end = start + 1
  while (start >= 0 && end < lines.length && !header.test(lines[end].textContent ?? '') && /^\s/.test(lines[end].textContent ?? '')) end++
  lines.forEach((line, i) => line.classList.toggle('knet-line--current', start >= 0 && i >= start && i < end))
  if (start < 0) return ''
  const scroller = host.querySelector<HTMLElement>('[data-knet-results]')
  if (scroller) {
    const offset = lines[start].getBoundingClientRect().top - scroller.getBoundingClientRect().top
    if (offset < 0 || offset > scroller.clientHeight - 40) scroller.scrollTop += offset - 16
  }
  return lines[start].textContent ?? ''
}

const baseTexts = new Map<string, string>()

/** The text of base scenario `name`, from its one copy in the page (kept once read). */
function baseText(name: string): string {
  let text = baseTexts.get(name)
  if (text === undefined) {
    text = document.getElementById(`knet-base-${name}`)?.textContent ?? ''
    baseTexts.set(name, text)
  }
  return text
}

/** The absolute /play#… link for a state. */
export async function playLink(state: ScenarioState): Promise<string> {
  return new URL(`/play/#${await encodeScenarioFragment(state)}`, location.origin).href
}

if (!customElements.get('knet-example')) customElements.define('knet-example', KnetExampleElement)
