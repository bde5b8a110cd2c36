import { onAbort } from './abort';

describe('onAbort', () => {
  it('stops the work when the signal aborts, once', () => {
    const ac = new AbortController();
    const stop = jest.fn();
    onAbort(ac.signal, stop);
    expect(stop).not.toHaveBeenCalled();
    ac.abort();
    ac.abort();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('stops at once when the signal has already aborted', () => {
    const stop = jest.fn();
    onAbort(AbortSignal.abort(), stop);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('does nothing after the work ended on its own and forgot the signal, or without a signal', () => {
    const ac = new AbortController();
    const stop = jest.fn();
    onAbort(ac.signal, stop)();
    ac.abort();
    onAbort(undefined, stop)();
    expect(stop).not.toHaveBeenCalled();
  });
});
