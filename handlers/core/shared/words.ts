/** How a count reads in every message, page and mail: `1 credential`, `2 credentials`. */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
