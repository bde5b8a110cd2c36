// common/: the one MAC notation Teknisi stores (aa:bb:cc:dd:ee:ff), from any notation that
// users, CSV files and devices send (dashes, Cisco dots, no separators, upper case).
export function normalizeMac(raw: string): string | null {
  const hex = raw.replace(/[:.\-\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}
