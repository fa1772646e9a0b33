// Passkeys (WebAuthn) on the pages that offer them: adding one from the space, the one-step
// sign-in, the login's second step, the confirmation before a change. Each ceremony is two calls
// to the server around the browser's own dialog. Loaded only by those pages; its buttons stay
// hidden where the browser has no WebAuthn.
(() => {
  if (window.hubproPasskeys || !window.PublicKeyCredential) return;
  window.hubproPasskeys = true;

  const toBase64url = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const fromBase64url = (text) => {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  // The server's options may carry empty members (null): the browser wants them absent.
  const withoutNulls = (value) => {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
      return out;
    }
    return value;
  };

  async function call(endpoint, fields) {
    const res = await fetch('/api/' + endpoint, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(fields),
    });
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const message = body && body.general && body.general.message;
      throw new Error(message || 'Une erreur inattendue est survenue. Réessayez dans un instant.');
    }
    return body;
  }

  function creationOptions(text) {
    const publicKey = withoutNulls(JSON.parse(text)).publicKey;
    publicKey.challenge = fromBase64url(publicKey.challenge);
    publicKey.user.id = fromBase64url(publicKey.user.id);
    for (const c of publicKey.excludeCredentials || []) c.id = fromBase64url(c.id);
    return { publicKey };
  }

  function requestOptions(text) {
    const publicKey = withoutNulls(JSON.parse(text)).publicKey;
    publicKey.challenge = fromBase64url(publicKey.challenge);
    for (const c of publicKey.allowCredentials || []) c.id = fromBase64url(c.id);
    return { publicKey };
  }

  const created = (c) => JSON.stringify({
    id: c.id,
    rawId: toBase64url(c.rawId),
    type: c.type,
    extensions: c.getClientExtensionResults(),
    response: {
      attestationObject: toBase64url(c.response.attestationObject),
      clientDataJSON: toBase64url(c.response.clientDataJSON),
      transports: c.response.getTransports ? c.response.getTransports() : undefined,
    },
  });

  const asserted = (c) => JSON.stringify({
    id: c.id,
    rawId: toBase64url(c.rawId),
    type: c.type,
    extensions: c.getClientExtensionResults(),
    response: {
      authenticatorData: toBase64url(c.response.authenticatorData),
      clientDataJSON: toBase64url(c.response.clientDataJSON),
      signature: toBase64url(c.response.signature),
      userHandle: c.response.userHandle ? toBase64url(c.response.userHandle) : null,
    },
  });

  async function run(button) {
    const status = document.getElementById(button.dataset.status);
    status.textContent = '';
    button.disabled = true;
    try {
      let next;
      if (button.dataset.passkey === 'add') {
        const name = document.getElementById('passkey-name').value;
        const challenge = await call('cle-d-acces-ajout', {});
        const credential = await navigator.credentials.create(creationOptions(challenge.options));
        next = await call('cle-d-acces-enregistrer', {
          ceremony: challenge.ceremony, name, credential: created(credential),
        });
      } else {
        const purpose = button.dataset.purpose;
        const challenge = await call('cle-d-acces-demande', { purpose });
        const credential = await navigator.credentials.get(requestOptions(challenge.options));
        next = await call('cle-d-acces-utiliser', {
          purpose, ceremony: challenge.ceremony, credential: asserted(credential),
        });
      }
      // A confirmation brings the page that asked for it back, now able to make its change.
      if (button.dataset.purpose === 'confirmation') next = window.location.pathname;
      window.location.assign(next);
    } catch (e) {
      status.textContent = e && e.name === 'NotAllowedError'
        ? 'La clé d\'accès n\'a pas été utilisée\u00a0: l\'opération a été annulée ou a pris trop de temps. Réessayez.'
        : e && e.name === 'InvalidStateError'
          ? 'Cette clé d\'accès est déjà enregistrée pour votre compte.'
          : e.message;
      button.disabled = false;
    }
  }

  const start = () => {
    for (const button of document.querySelectorAll('[data-passkey]')) {
      button.hidden = false;
      button.addEventListener('click', () => run(button));
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
