import { shortDid } from '../../keys/did-key.js'
import { IntentcastError } from '../../errors.js'
import { matchTerms } from '../../terms/match.js'
import type { Command } from '../command.js'
import { readTermsArg, type TermsArg } from '../terms-input.js'
import { conflictText, dealTermsText, R_BUTTON, termSetText } from '../text.js'

const MEANING = {
  lit: 'the vendor meets every term you ask for',
  partial: 'the vendor differs only where you can negotiate',
  dark: 'a hard limit of yours is not met',
} as const

const from = (t: TermsArg): string =>
  `${t.name ? `${t.name}, ` : ''}${t.source}${t.signer ? ` by ${shortDid(t.signer)} (verified)` : ''}`

export const termsMatch: Command = {
  name: 'terms match',
  summary: "match a customer's terms against a vendor's: the r-button state, the agreed terms and the conflicts",
  usage: '<customer> <vendor>',
  help: [
    'Each argument is a signed terms declaration (a token, a file holding one, or - for standard input;',
    'its signature is verified), or a JSON file holding a TermSet ({"agreements": [...], ...}) or a',
    'declaration payload ({"role": "vendor", "name": ..., "terms": {...}}).',
    '',
    `states:  ${R_BUTTON.lit} lit      the vendor meets every term the customer asks for`,
    `         ${R_BUTTON.partial} partial  they differ only on terms the customer can negotiate`,
    `         ${R_BUTTON.dark} dark     a hard limit is not met (a required term, or no acceptable agreement)`,
    '',
    'exit status: 0 for lit and partial (the two can deal), 1 for dark; errors also exit 1, with the',
    'message on standard error and nothing on standard output. --json prints the whole match.',
  ],
  options: {},
  async run([customerArg, vendorArg], _values, out) {
    if (!customerArg || !vendorArg)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', "terms match needs the customer's terms and the vendor's")
    const customer = await readTermsArg(customerArg, 'customer')
    const vendor = await readTermsArg(vendorArg, 'vendor')
    const m = matchTerms(customer.terms, vendor.terms)
    out.result(
      () => {
        out.line(`${R_BUTTON[m.state]} ${m.state}: ${MEANING[m.state]}`)
        out.line(`  customer   ${termSetText(customer.terms, 'customer')}   (${from(customer)})`)
        out.line(`  vendor     ${termSetText(vendor.terms, 'vendor')}   (${from(vendor)})`)
        if (m.agreement === undefined) out.line('  agreed     nothing: no agreement both accept')
        else out.line(`  ${m.state === 'lit' ? 'agreed  ' : 'proposed'}   ${dealTermsText(m.terms)}`)
        if (m.conflicts.length === 0) out.line('  conflicts  none')
        else m.conflicts.forEach((c, i) => out.line(`  ${i === 0 ? 'conflicts ' : '          '} ${conflictText(c)}`))
        out.line(`  status     ${m.status}`)
      },
      {
        state: m.state,
        ...(m.agreement !== undefined && { agreement: m.agreement }),
        terms: m.terms,
        conflicts: m.conflicts,
        status: m.status,
        customer: {
          source: customer.source,
          terms: customer.terms,
          ...(customer.signer && { signer: customer.signer }),
        },
        vendor: {
          source: vendor.source,
          terms: vendor.terms,
          ...(vendor.signer && { signer: vendor.signer }),
          ...(vendor.name !== undefined && { name: vendor.name }),
        },
      },
    )
    return m.state === 'dark' ? 1 : 0
  },
}
