/** Words of the date field (lib/date-input.tsx). */
export const strings = {
  en: { 'date.placeholder': 'dd/mm/yyyy', 'date.pick': 'Choose a date', 'date.invalid': 'Write the date as dd/mm/yyyy.' },
  fr: { 'date.placeholder': 'jj/mm/aaaa', 'date.pick': 'Choisir une date', 'date.invalid': 'Écrivez la date sous la forme jj/mm/aaaa.' },
};
