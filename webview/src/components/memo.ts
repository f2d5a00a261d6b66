/**
 * A memoised component without preact/compat (whose global vnode hook would
 * add work to every element the app renders): the wrapped component renders
 * again only when `same(previous, next)` says the props changed.
 */
import { Component, h, type FunctionComponent, type JSX } from 'preact';

export function memo<P extends object>(C: FunctionComponent<P>, same: (a: P, b: P) => boolean): (p: P) => JSX.Element {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props as P, next);
    }
    override render(props: P) {
      return h(C, props);
    }
  }
  (Memo as unknown as { displayName: string }).displayName = `memo(${C.displayName ?? C.name})`;
  return Memo as unknown as (p: P) => JSX.Element;
}
