// The outbox on screen: what waits to be sent, each item with its state
// (waiting, sending with its photos' progress, refused by the server), the
// next try, and Retry / Delete for what the server refused.
import { ownerName } from './api.js';
import { h, keyed } from './core/dom.js';
import { formatTime, t } from './i18n.js';

function describe(it) {
  switch (it.kind) {
    case 'report': case 'vreport': case 'held': return t('q.report', it.label);
    case 'receipt': case 'vreceipt': return it.payload.state === 'acknowledged' ? t('q.ack', it.label) : t('q.read', it.label);
    case 'done': return `${t('q.done')}: ${it.label}`;
    case 'mclose': case 'vmclose': return t('mis.qClose', it.label);
    default: return it.label;
  }
}

function stateText(it, owner) {
  if (it.owner !== owner) return t('q.stOther', ownerName(it.owner));
  if (it.state === 'sending') return t('q.stSending');
  if (it.state === 'failed') return t('q.stFailed', it.code === 'not_approved' ? t('rep.notApproved') : it.error);
  return t('q.stQueued');
}

export class QueueView {
  constructor(app) {
    this.app = app;
    this.entries = new Map();
    this.empty = h('p', { class: 'status ok' }, t('q.none'));
    this.list = h('div', { class: 'list' });
    this.el = h('section', { 'data-testid': 'queue-panel' }, h('h2', {}, t('q.title')), this.empty, this.list);
  }

  update() {
    const { outbox } = this.app;
    const items = outbox.waiting();
    this.empty.hidden = items.length > 0;
    const sig = (it) => JSON.stringify([it.state, it.owner === outbox.owner, it.attempts, it.error, it.next, it.photoIds, it.label]);
    keyed(this.list, this.entries, items, (it) => it.seq, sig, (it) => {
      const photos = it.photos?.length ? h('p', { 'data-testid': `queue-photos-${it.seq}` }, t('q.photoProgress', it.photoIds.filter(Boolean).length, it.photos.length)) : null;
      const retryAt = it.state === 'queued' && it.next && Date.parse(it.next) > Date.now() ? h('p', { class: 'muted' }, t('q.nextTry', formatTime(it.next, false))) : null;
      const last = it.state === 'queued' && it.error ? h('p', { class: 'muted' }, t('q.lastError', it.error === 'network' ? t('q.network') : it.error)) : null;
      return h('article', { class: `queue-item ${it.state}`, 'data-testid': `queue-item-${it.seq}`, dataset: { state: it.state, kind: it.kind, attempts: String(it.attempts) } },
        h('h3', {}, describe(it)),
        h('p', { class: 'badge waiting', 'data-testid': `queue-state-${it.seq}` }, stateText(it, outbox.owner)),
        h('p', { class: 'meta' }, t('q.created', formatTime(it.created))),
        photos, retryAt, last,
        it.state === 'failed' ? h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'primary', 'data-testid': `queue-retry-${it.seq}`, onclick: () => outbox.retry(it.seq) }, t('q.retry')),
          h('button', { type: 'button', class: 'danger', 'data-testid': `queue-delete-${it.seq}`, onclick: () => {
            if (confirm(t('q.deleteConfirm'))) outbox.remove(it.seq);
          } }, t('q.delete'))) : null);
    });
  }
}
