import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Loading, Notice } from './components';
import { errorMessage } from './forms';
import { t } from './i18n';

/** Building blocks of list pages: search box, load status, table, row buttons. */

/** A searched, paged list's query; a new search starts again at the first page. */
export function useSearchPaging(): { search: string; offset: number; setSearch: (search: string) => void; setOffset: (offset: number) => void } {
  const [search, setSearchValue] = useState('');
  const [offset, setOffset] = useState(0);
  return {
    search,
    offset,
    setOffset,
    setSearch: (value) => {
      setSearchValue(value);
      setOffset(0);
    },
  };
}

/** The search box above a list (labelled "Search"); `children` adds filters to the same toolbar. */
export function SearchToolbar(props: { id: string; value: string; placeholder: string; onSearch: (search: string) => void; children?: ComponentChildren }) {
  return (
    <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for={props.id}>{t('common.search')}</label>
        <input id={props.id} type="search" value={props.value} placeholder={props.placeholder} onInput={(e) => props.onSearch((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {props.children}
    </form>
  );
}

/** What `useLoad` gives: the loading error, and "Loading…" until the first data arrives. */
export function LoadStatus(props: { load: { data: unknown; error: unknown; loading: boolean } }) {
  const { data, error, loading } = props.load;
  return (
    <>
      {error ? <Notice kind="error">{errorMessage(error)}</Notice> : null}
      {!data && loading && <Loading />}
    </>
  );
}

/**
 * A table that folds into cards on narrow screens: a header cell per column, an unnamed-looking
 * last column for row buttons (`actions`, named for screen readers), then one row saying
 * `empty` when it is set, then the rows (`children`, each cell with its column's `data-label`).
 */
export function DataTable(props: { columns: string[]; actions?: boolean; empty?: string | false; testId?: string; class?: string; children: ComponentChildren }) {
  const width = props.columns.length + (props.actions ? 1 : 0);
  return (
    <div class="table-wrap">
      <table class={props.class ? `responsive ${props.class}` : 'responsive'} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((label, index) => (
              <th scope="col" key={index}>
                {label}
              </th>
            ))}
            {props.actions && (
              <th scope="col">
                <span class="visually-hidden">{t('common.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.empty && (
            <tr>
              <td colSpan={width} class="muted">
                {props.empty}
              </td>
            </tr>
          )}
          {props.children}
        </tbody>
      </table>
    </div>
  );
}

/** A row's button: shows `label`, and says which row to screen readers ("Delete Alice"). */
export function RowButton(props: { label: string; name: string; onClick: () => void; class?: string; disabled?: boolean }) {
  return (
    <button type="button" class={props.class} disabled={props.disabled} onClick={props.onClick} aria-label={`${props.label} ${props.name}`}>
      {props.label}
    </button>
  );
}

/**
 * The outcome of a page's one-click actions (unlock, reboot…): `act` runs one, then says `done`
 * and reloads, or shows the action's error; `setNotice` says other successes (saved, deleted).
 */
export function usePageActions(reload: () => void): { notice: string | null; error: string | null; setNotice: (notice: string | null) => void; act: (action: () => Promise<unknown>, done: string) => Promise<void> } {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await action();
      setNotice(done);
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return { notice, error, setNotice, act };
}

/** What `usePageActions` has to say, above the page's content. */
export function ActionNotices(props: { notice: string | null; error: string | null }) {
  return (
    <>
      {props.notice && <Notice kind="success">{props.notice}</Notice>}
      {props.error && <Notice kind="error">{props.error}</Notice>}
    </>
  );
}
