/**
 * The relay's routes as data: each endpoint, its methods and the request headers a browser may
 * send it. Allow (on 405 and OPTIONS) and the CORS preflight come from the same table, so a
 * route cannot answer a method its Allow does not list, or the reverse.
 */
import type { CorsRoute } from '../http/cors.js'
import { Did } from '../model/primitives.js'
import { takeIntent } from './cast.js'
import { takePost } from './post.js'
import { readMailbox } from './read.js'
import type { RelayOutcome } from './options.js'
import type { Relay } from './state.js'
import { takeSubscription } from './subscribe.js'

type Method = 'GET' | 'POST'
type Answer = (request: Request) => Promise<Response>

export interface Route extends CorsRoute {
  readonly name: NonNullable<RelayOutcome['route']>
  readonly answers: Readonly<Partial<Record<Method, Answer>>>
}

const POST_HEADERS = 'Content-Type'
const MAILBOX_HEADERS = 'Content-Type, Authorization, Last-Event-ID'

function route(name: Route['name'], answers: Route['answers'], headers: string): Route {
  return { name, answers, methods: [...Object.keys(answers), 'OPTIONS'].join(', '), headers }
}

/** Finds the route of a path: `<base>/intents`, `<base>/subscriptions` or `<base>/mailboxes/<did>`. */
export function routeFor(path: string, relay: Relay): Route | undefined {
  const base = relay.options.basePath
  if (!path.startsWith(`${base}/`)) return undefined
  const rest = path.slice(base.length + 1)
  if (rest === 'intents') return route('intents', { POST: (r) => takeIntent(r, relay) }, POST_HEADERS)
  if (rest === 'subscriptions') return route('subscriptions', { POST: (r) => takeSubscription(r, relay) }, POST_HEADERS)
  if (!rest.startsWith('mailboxes/')) return undefined
  // The DID as it is in the path (spec §Relay binding, Mailboxes): not percent-decoded, so a
  // mailbox has exactly one URL, the one its access messages name.
  const did = rest.slice('mailboxes/'.length)
  if (!Did.safeParse(did).success) return undefined
  return route(
    'mailbox',
    { GET: (r) => readMailbox(r, did, relay), POST: (r) => takePost(r, did, relay) },
    MAILBOX_HEADERS,
  )
}

/** The answer the table gives a method: its own, or nothing (405). OPTIONS is the handler's. */
export function answerFor(route: Route, method: string): Answer | undefined {
  // Own keys only: `constructor` is not a method.
  return Object.hasOwn(route.answers, method) ? route.answers[method as Method] : undefined
}
