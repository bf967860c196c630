/**
 * /play: opens the state in the URL fragment (or a stored link, #s=<id>) and runs it, mounts the
 * editor at once, keeps the fragment in step with the edits, and says when a link was made with another
 * engine, or when today's answers differ from the ones stored with it.
 */
import { ENGINE_VERSION } from '../../engine/version.ts'
import { decodeScenarioFragment, encodeScenarioFragment, storedScenarioId, type ScenarioState } from '../examples/scenario-link.ts'
import type { KnetChangeEvent, KnetRunEvent } from './example-editor.ts'
import type { KnetExampleElement } from './knet-example.ts'
import './knet-example.ts'
import { fetchStoredScenario } from './short-link.ts'

const FRAGMENT_DELAY_MS = 400

const host = document.querySelector<KnetExampleElement>('knet-example[data-mode="playground"]')
const picker = document.querySelector<HTMLSelectElement>('[data-knet-picker]')
const notice = document.querySelector<HTMLElement>('[data-knet-notice]')

/** The picker names no scenario of the guide while the playground shows a link's. */
function showLinkInPicker() {
  if (!picker) return
  let option = picker.querySelector<HTMLOptionElement>('option[value=""]')
  if (!option) {
    option = new Option('the link’s scenario', '')
    option.disabled = true
    picker.prepend(option)
  }
  picker.value = ''
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
  if (state) showLinkInPicker()
  const session = await host.edit(state ? { scenario: state.scenario, commands: state.commands } : undefined)
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
    await (await ready).load({ scenario: text, commands })
  })
  // A link pasted into the address bar of an open playground.
  addEventListener('hashchange', async () => {
    if (location.hash === written) return
    written = location.hash
    const { state } = await fromFragment().catch(() => ({ state: undefined }))
    if (state) {
      showLinkInPicker()
      await (await ready).load(state)
    }
  })
}
