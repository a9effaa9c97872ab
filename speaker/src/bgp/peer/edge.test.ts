import { tellsTheMode } from './edge';

describe('which session state changes the mode hears of', () => {
  test('entering or leaving Established, and falling to Idle', () => {
    expect(tellsTheMode('openConfirm', 'established')).toBe(true);
    expect(tellsTheMode('established', 'idle')).toBe(true);
    expect(tellsTheMode('established', 'active')).toBe(true);
    expect(tellsTheMode('connect', 'idle')).toBe(true);
  });

  test('not the handshake steps between', () => {
    expect(tellsTheMode('idle', 'connect')).toBe(false);
    expect(tellsTheMode('connect', 'openSent')).toBe(false);
    expect(tellsTheMode('openSent', 'openConfirm')).toBe(false);
    expect(tellsTheMode('active', 'openSent')).toBe(false);
  });
});
