import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog, Dialog, Notice } from '../../lib/components';
import { errorMessage } from '../../lib/forms';
import { formatDate, t } from '../../lib/i18n';
import { can } from '../../shell/session';
import { CopyButton } from '../telephony/CopyButton';
import { PROVISIONING_API, type Device } from './devices';

const BADGES = { waiting_for_phone: 'badge-warn', claimed: 'badge-ok', window_closed: 'badge-error' } as const;

/** Where the phone stands with its secrets: waiting for its first fetch (until when), claimed (when, from where), or window closed. */
export function ClaimBadge(props: { device: Device }) {
  const { claim } = props.device;
  if (!claim) return <span class="muted">—</span>;
  const detail =
    claim.state === 'waiting_for_phone'
      ? t('phones.claim.until', { time: formatDate(claim.windowUntil) })
      : claim.state === 'claimed'
        ? t('phones.claim.by', { time: formatDate(claim.claimedAt), ip: claim.claimedFromIp ?? '—' })
        : t('phones.claim.closedHint');
  return (
    <span data-testid="claim-state" data-state={claim.state}>
      <span class={`badge ${BADGES[claim.state]}`}>{t(`phones.claim.${claim.state}`)}</span> <span class="muted">{detail}</span>
    </span>
  );
}

interface SecretPathView {
  path: string;
  url: string;
  option66: string;
  option66Tftp: string;
  option160: string;
  createdAt: string;
}

/** A value to paste into a DHCP server, with its copy button. */
function Copyable(props: { label: string; value: string; testId?: string }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd class="copyable">
        <code class="secret" data-testid={props.testId}>
          {props.value}
        </code>{' '}
        <CopyButton text={props.value} label={props.label} />
      </dd>
    </>
  );
}

/** The site's secret provisioning path and the DHCP option 66 values to set, for holders of `provisioning.secrets` (audited), with rotation. */
export function SecretPathCard() {
  const [shown, setShown] = useState<SecretPathView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rotated, setRotated] = useState(false);
  const [confirmingRotation, setConfirmingRotation] = useState(false);
  if (!can('provisioning.secrets')) return null;
  const run = async (action: 'reveal' | 'rotate') => {
    setError(null);
    try {
      setShown(await http.post<SecretPathView>(`${PROVISIONING_API}/secret-path/${action}`));
      setRotated(action === 'rotate');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card" aria-labelledby="secret-path-title" data-testid="secret-path">
      <h2 id="secret-path-title">{t('phones.secretPath')}</h2>
      <p class="hint">{t('phones.secretPathHint')}</p>
      <div class="form-actions">
        <button type="button" onClick={() => run('reveal')}>
          {t('phones.secretPathShow')}
        </button>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <Dialog title={t('phones.secretPath')} open={shown !== null} onClose={() => setShown(null)}>
        {shown && (
          <>
            {rotated && <Notice kind="success">{t('phones.secretPathRotated')}</Notice>}
            <dl class="stats">
              <Copyable label={t('phones.provisioningUrl')} value={shown.url} testId="provisioning-url" />
              <Copyable label={t('phones.option66')} value={shown.option66} testId="option66" />
              <Copyable label={t('phones.option66Tftp')} value={shown.option66Tftp} testId="option66-tftp" />
              <Copyable label={t('phones.option160')} value={shown.option160} testId="option160" />
              <dt>{t('phones.secretPathSince')}</dt>
              <dd>{formatDate(shown.createdAt)}</dd>
            </dl>
            <p class="hint">{t('phones.dhcpHint')}</p>
            <p class="hint">{t('phones.secretPathRotateHint')}</p>
            <div class="form-actions">
              <button
                type="button"
                class="danger"
                onClick={() => {
                  setShown(null);
                  setConfirmingRotation(true);
                }}
              >
                {t('phones.secretPathRotate')}
              </button>
            </div>
          </>
        )}
        <p class="hint">{t('tel.secretAudited')}</p>
      </Dialog>
      <ConfirmDialog
        open={confirmingRotation}
        message={t('phones.secretPathRotateConfirm')}
        confirmLabel={t('phones.secretPathRotate')}
        onClose={() => setConfirmingRotation(false)}
        onConfirm={() => run('rotate')}
      />
    </section>
  );
}
