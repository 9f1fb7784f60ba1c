/**
 * The Slack-compatible incoming-webhook payload: `text` (the notification and fallback line) and
 * Block Kit `blocks` (header, summary, facts, finding ids). Values from log records go through
 * `mrkdwn` escaping so a crafted user agent or resource name cannot mention `@channel` or forge a
 * link, and through Slack's length limits so a large group never makes the webhook refuse the post.
 */
import { clean, truncate } from '../text.js';
import type { Alert } from './group.js';

/** `&`, `<` and `>` are the characters Slack's mrkdwn gives meaning to (links, mentions). */
export function escapeMrkdwn(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const list = (items: readonly string[], none = '—'): string =>
  items.length === 0 ? none : items.join(', ');
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * @example
 * slackPayload(alert); // { text: '[HIGH] CloudTrail logging stopped: …', blocks: [...] }
 */
export function slackPayload(alert: Alert): { text: string; blocks: unknown[] } {
  const level = alert.priority.toUpperCase();
  const update = alert.update ? 'Update: ' : '';
  const counts = `${plural(alert.count.findings, 'finding')}, ${plural(alert.count.events, 'event')}`;
  const text = truncate(
    `${update}[${level}] ${escapeMrkdwn(alert.rule.title)}: ${escapeMrkdwn(alert.summary)} (${counts})`,
    2900,
  );
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: truncate(`*${label}*\n${value}`, 1990),
  });
  const more =
    alert.count.findings > 1
      ? `\n_${plural(alert.count.findings - 1, 'more finding')} of this rule by this principal in the window_`
      : '';
  return {
    text,
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: truncate(`${update}[${level}] ${clean(alert.rule.title)}`, 150),
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(alert.summary) + more, 2990) },
      },
      {
        type: 'section',
        fields: [
          field('Principal', `\`${escapeMrkdwn(alert.principal)}\``),
          field('Count', counts),
          field('Accounts', escapeMrkdwn(list(alert.accounts))),
          field('Regions', escapeMrkdwn(list(alert.regions))),
          field('Window (UTC)', `${alert.window.start} – ${alert.window.end}`),
          field('Source IPs', escapeMrkdwn(list(alert.sourceIps))),
          field(
            'Matrix / ATT&amp;CK',
            `${alert.matrix.row ?? alert.matrix.category} · ${escapeMrkdwn(list(alert.mitre))}`,
          ),
          field('Rule', `\`${escapeMrkdwn(alert.rule.id)}\``),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: truncate(
              `alert ${alert.id} · findings ${escapeMrkdwn(alert.findingIds.join(', '))}`,
              2990,
            ),
          },
        ],
      },
    ],
  };
}
