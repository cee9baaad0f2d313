// The pairwise matrix as a table: d[X][Y] is the number of voters (with the
// voices delegated to them) who prefer X to Y. The status quo is a row and a
// column like any initiative, as in the count.
import { h, uid } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/i18n.js';

export function pairwiseTable(result, label) {
  const captionId = uid('pairwise');
  const candidates = result.candidates;
  const d = result.pairwise;
  return h(
    'div',
    {
      class: 'table-scroll',
      role: 'region',
      tabindex: '0',
      'aria-labelledby': captionId,
    },
    h(
      'table',
      { class: 'pairwise', testid: 'pairwise' },
      h('caption', { id: captionId }, t('results.matrix_caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', {}, ''),
          candidates.map((c) =>
            h('th', { scope: 'col', 'data-col': c }, label(c)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        candidates.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', 'data-row': row }, label(row)),
            candidates.map((col) =>
              row === col
                ? h(
                    'td',
                    { class: 'pairwise__self' },
                    h('span', { 'aria-hidden': 'true' }, '–'),
                    h(
                      'span',
                      { class: 'visually-hidden' },
                      t('results.matrix_self'),
                    ),
                  )
                : h(
                    'td',
                    {
                      testid: 'pairwise-cell',
                      'data-row': row,
                      'data-col': col,
                      'data-value': d[row]?.[col] ?? 0,
                      class:
                        (d[row]?.[col] ?? 0) > (d[col]?.[row] ?? 0)
                          ? 'pairwise__win'
                          : null,
                    },
                    formatNumber(d[row]?.[col] ?? 0),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}
