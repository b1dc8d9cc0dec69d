// First-run page: posts the form to /api/setup with the token from the link. Served as a file
// (not inline) so the strict Content-Security-Policy holds here too.
(function () {
  var fr = (navigator.language || '').toLowerCase().indexOf('fr') === 0;
  var text = {
    title: 'Créer le premier administrateur',
    intro: 'Ce lien ne sert qu’une fois. Le compte créé ici pourra ensuite ajouter utilisateurs, rôles et plugins.',
    email: 'Adresse e-mail',
    name: 'Nom',
    password: 'Mot de passe (10 caractères ou plus)',
    confirm: 'Mot de passe à nouveau',
    submit: 'Créer l’administrateur',
    done: 'L’administrateur est créé. Vous pouvez maintenant vous connecter.',
    login: 'Se connecter à l’administration',
  };
  var messages = {
    mismatch: fr ? 'Les deux mots de passe diffèrent.' : 'The two passwords differ.',
    noToken: fr ? 'Ce lien n’a pas de jeton : utilisez le lien affiché au démarrage de Carillon.' : 'This link has no token: use the link printed when Carillon started.',
    network: fr ? 'Le serveur ne répond pas ; réessayez.' : 'The server does not answer; try again.',
  };
  if (fr) {
    document.documentElement.lang = 'fr';
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = text[el.getAttribute('data-i18n')]; });
    document.title = 'Carillon : ' + text.title.toLowerCase();
  }
  var form = document.getElementById('setup');
  var token = new URLSearchParams(location.search).get('token');
  function show(id, message) { document.getElementById(id + '-error').textContent = message || ''; }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    ['email', 'displayName', 'password', 'confirm', 'form'].forEach(function (id) { show(id, ''); });
    if (!token) return show('form', messages.noToken);
    if (form.password.value !== form.confirm.value) return show('confirm', messages.mismatch);
    fetch('/api/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token, email: form.email.value, displayName: form.displayName.value, password: form.password.value, locale: fr ? 'fr' : 'en' }),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.ok) {
          form.hidden = true;
          document.getElementById('done').hidden = false;
          document.getElementById('login').hidden = false;
          return;
        }
        (body.errors || []).forEach(function (e) { show(e.field.replace(/^body\./, ''), e.message); });
        if (!body.errors) show('form', body.detail || body.title);
      });
    }).catch(function () { show('form', messages.network); });
  });
})();
