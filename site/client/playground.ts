/**
 * /play: opens the state in the URL fragment (or a stored link, #s=<id>) and runs it, mounts the
 * editor at once, keeps the fragment in step with the edits, and says when a link was made with another
 * engine, or when today's answers differ from the ones stored with it.
 */
import { ENGINE_VERSION } from '../../engine/version.ts'
import { decodeScenarioFragment, encodeScenarioFragment, storedScenarioId, type ScenarioState } from '../examples/scenario-link.ts'
import { composeScenario } from '../examples/scenario-text.ts'
import type { KnetChangeEvent, KnetRunEvent } from './example-editor.ts'
import type { EditorSession, ExampleData, KnetExampleElement, Provenance } from './knet-example.ts'
import './knet-example.ts'
import { fetchStoredScenario } from './short-link.ts'

const FRAGMENT_DELAY_MS = 400

const host = document.querySelector<KnetExampleElement>('knet-example[data-mode="playground"]')
const picker = document.querySelector<HTMLSelectElement>('[data-knet-picker]')
const notice = document.querySelector<HTMLElement>('[data-knet-notice]')
const originNote = document.querySelector<HTMLElement>('[data-knet-origin]')

/**
 * The picker shows what is loaded: the guide's scenario when the link holds one of them as it
 * is, else the link's own (named after its chapter example when it came from one).
 */
function showLinkInPicker(state: ScenarioState, label = 'the link’s scenario') {
  if (!picker) return
  const scenarios = JSON.parse(picker.dataset.scenarios ?? '{}') as Record<string, string>
  const same = Object.keys(scenarios).find((name) => scenarios[name] === state.scenario)
  if (same) {
    picker.querySelector('option[value=""]')?.remove()
    picker.value = same
    return
  }
  let option = picker.querySelector<HTMLOptionElement>('option[value=""]')
  if (!option) {
    option = new Option('', '')
    option.disabled = true
    picker.prepend(option)
  }
  option.text = label
  picker.value = ''
}

/** The chapter example a link names, if it names one on this site. */
function provenanceOf(state: ScenarioState): Provenance | undefined {
  const { page, example } = state
  if (!page || !example) return undefined
  // The codec allows any path; only one on this site is a way back (not //elsewhere/).
  if (new URL(page, location.origin).origin !== location.origin || page.startsWith('//')) return undefined
  return { page, example }
}

/**
 * A link shared from a chapter: names the chapter and the example, links back to it, and makes
 * Reset return to the example as the guide wrote it (read from the chapter page itself).
 */
async function showOrigin(host: KnetExampleElement, session: EditorSession, state: ScenarioState) {
  const from = provenanceOf(state)
  host.provenance = from
  if (!originNote) return
  if (!from) {
    originNote.hidden = true
    return
  }
  const back = `${from.page}#example-${from.example}`
  const draw = (chapter: string, example: string) => {
    const link = document.createElement('a')
    link.href = back
    link.textContent = 'Back to the example'
    const strong = document.createElement('strong')
    strong.textContent = chapter
    originNote.replaceChildren('From the chapter ', strong, `, example “${example}”. `, link, '. Reset returns to the example as the guide has it.')
    originNote.hidden = false
  }
  draw(from.page, from.example)
  try {
    const response = await fetch(from.page, { headers: { accept: 'text/html' } })
    if (!response.ok) return
    // Only the chapter's title and the example's data are read, from the text: parsing the whole
    // page (DOMParser) would apply this page's content security policy to the other's styles.
    const html = await response.text()
    const chapter = decodeEntities(/<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? '').trim() || from.page
    const tag = new RegExp(`<knet-example id="example-${from.example.replace(/\./g, '\\.')}"[^>]*>`).exec(html)?.[0]
    const attribute = tag && /\sdata-knet="([^"]*)"/.exec(tag)?.[1]
    if (!attribute || host.provenance !== from) return
    const data = JSON.parse(decodeEntities(attribute)) as ExampleData
    // the base's text is in the page once (KnetExample.astro)
    if (data.base && data.base.text === undefined) {
      const copy = new RegExp(`<code id="knet-base-${data.base.name.replace(/[^\w-]/g, '')}"[^>]*>([^<]*)</code>`).exec(html)?.[1]
      if (copy === undefined) return
      data.base.text = decodeEntities(copy)
    }
    const title = data.title ?? from.example
    draw(chapter, title)
    showLinkInPicker(state, `${title} (${chapter})`)
    session.setOrigin({ scenario: composeScenario(data.base?.text, data.manifests).text, commands: data.commands })
  } catch {
    // Offline or a page that is gone: the link's own state stays what Reset returns to.
  }
}

/** The codec's messages are sentences already; ours are not. */
function sentence(text: string) {
  const capital = text.charAt(0).toUpperCase() + text.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

function say(text: string) {
  if (!notice) return
  notice.textContent = text
  notice.hidden = text === ''
}

/** The state the fragment holds, with what the server stored beside it for #s=<id>. */
async function fromFragment(): Promise<{ state?: ScenarioState; answersHash?: string }> {
  const fragment = location.hash.slice(1)
  if (fragment === '') return {}
  if (fragment.startsWith('s=')) {
    const id = storedScenarioId(fragment)
    if (!id) throw new Error('this short link’s id is damaged')
    const stored = await fetchStoredScenario(id)
    return { state: stored.state, ...(stored.answersHash ? { answersHash: stored.answersHash } : {}) }
  }
  const decoded = await decodeScenarioFragment(fragment)
  if (!decoded.ok) throw new Error(decoded.error)
  return { state: decoded.state }
}

async function open(host: KnetExampleElement) {
  let opened: Awaited<ReturnType<typeof fromFragment>> = {}
  try {
    opened = await fromFragment()
  } catch (error) {
    say(`${sentence((error as Error).message)} Here is a scenario of the guide instead.`)
  }
  const { state, answersHash } = opened
  if (state) showLinkInPicker(state)
  const session = await host.edit(state ? { scenario: state.scenario, commands: state.commands } : undefined)
  if (state) void showOrigin(host, session, state)
  if (state && state.engine !== ENGINE_VERSION) {
    say(
      `This link was made with engine ${state.engine || 'of unknown version'}; today’s engine is ${ENGINE_VERSION}, ` +
        'so some answers may differ from what its author saw.',
    )
  }
  if (answersHash) {
    host.addEventListener(
      'knet-run',
      (event) => {
        const today = (event as KnetRunEvent).detail.outcome.answer.answersHash
        if (today && today !== answersHash) {
          say(`Today’s engine (${ENGINE_VERSION}) answers this scenario differently from when the link was made.`)
        }
      },
      { once: true },
    )
  }
  // The page was built with the guide's scenario and its answers, by this engine: only a link's
  // state needs a run (and skipping it keeps the first seconds free of the engine's work)
  if (state) await session.run()
  return session
}

if (host) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let written = location.hash
  const keepFragment = (state: ScenarioState) => {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      written = `#${await encodeScenarioFragment(state)}`
      history.replaceState(history.state, '', written)
    }, FRAGMENT_DELAY_MS)
  }
  host.addEventListener('knet-change', (event) => keepFragment((event as KnetChangeEvent).detail.state))
  host.addEventListener('knet-run', (event) => keepFragment((event as KnetRunEvent).detail.state))

  const ready = open(host)
  picker?.addEventListener('change', async () => {
    const scenarios = JSON.parse(picker.dataset.scenarios ?? '{}') as Record<string, string>
    const commands = JSON.parse(picker.dataset.commands ?? '[]') as string[]
    const text = scenarios[picker.value]
    if (text === undefined) return
    say('')
    picker.querySelector('option[value=""]')?.remove()
    host.provenance = undefined
    if (originNote) originNote.hidden = true
    await (await ready).load({ scenario: text, commands })
  })
  // A link pasted into the address bar of an open playground.
  addEventListener('hashchange', async () => {
    if (location.hash === written) return
    written = location.hash
    const { state } = await fromFragment().catch(() => ({ state: undefined }))
    if (state) {
      showLinkInPicker(state)
      const session = await ready
      await session.load(state)
      void showOrigin(host, session, state)
    }
  })
}

/** The character references Astro writes in text and attribute values, decoded. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" }
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(quot|amp|lt|gt|apos));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec) return String.fromCodePoint(Number(dec))
    if (hex) return String.fromCodePoint(parseInt(hex, 16))
    return named[name!.toLowerCase()] ?? whole
  })
}
