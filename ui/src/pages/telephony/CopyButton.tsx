import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';

/**
 * Writes text to the clipboard. An appliance is often reached over plain HTTP, where browsers
 * give no Clipboard API: a hidden text area and the copy command serve there.
 */
async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, no focus): try the older way.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  // Inside the open modal dialog, if any: outside it the selection would be inert.
  (document.querySelector('dialog[open]') ?? document.body).appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}

/** "Copy" beside a value, named for screen readers ("Copy Password"); says whether it worked. */
export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    setState((await copyText(props.text)) ? 'copied' : 'failed');
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" class="copy" onClick={copy} aria-label={t('tel.copyLabel', { label: props.label })} data-copy={props.label}>
      {state === 'copied' ? t('tel.copied') : state === 'failed' ? t('tel.copyFailed') : t('tel.copy')}
    </button>
  );
}
