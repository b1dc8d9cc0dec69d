/** Strings of the API tokens page (the permission picker); `fr` is typed against `en`. */
const en = {
  'tokens.permissionsHint': 'Tick nothing to give the token all of your permissions. The code under each line is the key integrators see in the API.',
  'tokens.permissionKey': 'Key: {key}',
};

const fr: Record<keyof typeof en, string> = {
  'tokens.permissionsHint': 'Ne cochez rien pour donner au jeton toutes vos permissions. Le code sous chaque ligne est la clé que les intégrateurs voient dans l’API.',
  'tokens.permissionKey': 'Clé : {key}',
};

export const strings = { en, fr };
