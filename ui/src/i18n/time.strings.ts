/** The time-of-day field (lib/time-input.tsx): 24-hour in both languages. */
export const strings = {
  en: { 'time.placeholder': 'hh:mm', 'time.invalid': 'Write the time as hh:mm (24-hour), for example 14:30.' },
  fr: { 'time.placeholder': 'hh:mm', 'time.invalid': 'Écrivez l’heure sous la forme hh:mm (sur 24 heures), par exemple 14:30.' },
};
